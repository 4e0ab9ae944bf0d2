#pragma once

#include "Pane.h"

#include <QFrame>

class QHBoxLayout;
class QLabel;
class QToolButton;

namespace Elevate::Ui {

// The one-sentence banner above the panes (DESIGN.md, "Errors the user sees"): a translated
// sentence, its actions as buttons, "Copy details" when there are technical details, and a
// close button. Showing another banner replaces the current one.
class MessageBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageBanner)

public:
    explicit MessageBanner(QWidget* parent = nullptr);

    void showBanner(const Banner& banner);
    void clear();
    QString text() const;
    Banner::Level level() const { return m_banner.level; }

private:
    void copyDetails();

    Banner m_banner;
    QLabel* m_text = nullptr;
    QHBoxLayout* m_actions = nullptr;
    QToolButton* m_copy = nullptr;
    QToolButton* m_close = nullptr;
};

} // namespace Elevate::Ui
