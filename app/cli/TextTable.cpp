#include "TextTable.h"

namespace Elevate {

TextTable::TextTable(QStringList headers)
    : m_headers(std::move(headers))
{
}

void TextTable::addRow(QStringList cells)
{
    while (cells.size() < m_headers.size()) {
        cells << QString();
    }
    for (QString& c : cells) {
        c.replace(u'\n', u' ').replace(u'\t', u' ');
    }
    m_rows << cells;
}

QString TextTable::render() const
{
    QList<qsizetype> widths;
    for (const QString& h : m_headers) {
        widths << h.size();
    }
    for (const QStringList& row : m_rows) {
        for (qsizetype i = 0; i < widths.size(); ++i) {
            widths[i] = std::max(widths[i], row.at(i).size());
        }
    }
    auto line = [&widths](const QStringList& cells) {
        QString s;
        for (qsizetype i = 0; i < widths.size(); ++i) {
            s += i + 1 < widths.size() ? cells.at(i).leftJustified(widths[i] + 2) : cells.at(i);
        }
        while (s.endsWith(u' ')) {
            s.chop(1);
        }
        return QString(s + u'\n');
    };
    QString out = line(m_headers);
    for (const QStringList& row : m_rows) {
        out += line(row);
    }
    return out;
}

} // namespace Elevate
