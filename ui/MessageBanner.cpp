#include "MessageBanner.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>

namespace Elevate::Ui {

namespace {

// Tints that keep their contrast in a light and a dark palette: the banner's base colour is
// mixed into the window colour, and the text keeps the palette's own text colour.
QColor tint(Banner::Level level)
{
    switch (level) {
    case Banner::Level::Positive:
        return QColor(0x2e, 0x7d, 0x32);
    case Banner::Level::Warning:
        return QColor(0xe6, 0x9a, 0x00);
    case Banner::Level::Error:
        return QColor(0xc6, 0x28, 0x28);
    case Banner::Level::Information:
        break;
    }
    return QColor(0x1e, 0x6f, 0xc8);
}

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

MessageBanner::MessageBanner(QWidget* parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("messageBanner"));
    setAccessibleName(tr("Message"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("bannerText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_text, 1);
    m_actions = new QHBoxLayout;
    layout->addLayout(m_actions);
    m_copy = new QToolButton(this);
    m_copy->setObjectName(QStringLiteral("bannerCopyDetails"));
    m_copy->setText(tr("Copy details"));
    m_copy->setAccessibleName(tr("Copy the technical details"));
    connect(m_copy, &QToolButton::clicked, this, &MessageBanner::copyDetails);
    layout->addWidget(m_copy);
    m_close = new QToolButton(this);
    m_close->setObjectName(QStringLiteral("bannerClose"));
    m_close->setText(QStringLiteral("\u2715"));
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss the message"));
    m_close->setAutoRaise(true);
    connect(m_close, &QToolButton::clicked, this, &MessageBanner::clear);
    layout->addWidget(m_close);
    hide();
}

void MessageBanner::showBanner(const Banner& banner)
{
    m_banner = banner;
    m_text->setText(banner.text);
    while (QLayoutItem* item = m_actions->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const Banner::Action& action : banner.actions) {
        auto* button = new QPushButton(action.label, this);
        button->setObjectName(QStringLiteral("bannerAction"));
        const auto run = action.run;
        connect(button, &QPushButton::clicked, this, [this, run] {
            clear();
            if (run) {
                run();
            }
        });
        m_actions->addWidget(button);
    }
    m_copy->setVisible(!banner.details.isEmpty());
    QPalette p = palette();
    const QColor window = QApplication::palette().color(QPalette::Window);
    p.setColor(QPalette::Window, mix(window, tint(banner.level), 0.22));
    setPalette(p);
    show();
}

void MessageBanner::clear()
{
    m_banner = Banner();
    m_text->clear();
    hide();
}

QString MessageBanner::text() const
{
    return m_text->text();
}

void MessageBanner::copyDetails()
{
    QApplication::clipboard()->setText(m_banner.text + QStringLiteral("\n\n") + m_banner.details);
}

} // namespace Elevate::Ui
