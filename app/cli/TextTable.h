#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Elevate {

// A plain-text table with aligned columns for terminal output: a header row, then the rows,
// columns separated by two spaces, trailing spaces trimmed.
class TextTable final
{
public:
    explicit TextTable(QStringList headers);

    void addRow(QStringList cells);
    bool isEmpty() const { return m_rows.isEmpty(); }
    QString render() const;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
};

} // namespace Elevate
