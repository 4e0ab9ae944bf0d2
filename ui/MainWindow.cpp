#include "MainWindow.h"

#include "CacheDatabase.h"
#include "Format.h"
#include "MessageBanner.h"
#include "Panes.h"
#include "SyncEngine.h"
#include "TokenStore.h"
#include "Workspace.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyledItemDelegate>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace Elevate::Ui {

namespace {

constexpr int BadgeRole = Qt::UserRole + 1;
constexpr int PaneIdRole = Qt::UserRole + 2;

// The navigation entries: icon, label, and a rounded count on the right when the pane has one
// (the palette's highlight colours, so it reads in light and dark themes).
class NavigationDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setHeight(std::max(s.height(), option.fontMetrics.height() * 2 + 4));
        s.setWidth(s.width() + option.fontMetrics.horizontalAdvance(QStringLiteral("0000")) + 16);
        return s;
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        const int badge = index.data(BadgeRole).toInt();
        if (badge <= 0) {
            return;
        }
        const QString text = badge > 999 ? QStringLiteral("999+") : QString::number(badge);
        QFont font = option.font;
        font.setBold(true);
        const QFontMetrics fm(font);
        const int h = fm.height() + 2;
        const int w = std::max(h, fm.horizontalAdvance(text) + 10);
        const QRect r(option.rect.right() - w - 8, option.rect.center().y() - h / 2, w, h);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const bool selected = option.state & QStyle::State_Selected;
        painter->setBrush(selected ? option.palette.color(QPalette::HighlightedText) : option.palette.color(QPalette::Highlight));
        painter->setPen(Qt::NoPen);
        painter->drawRoundedRect(r, h / 2.0, h / 2.0);
        painter->setPen(selected ? option.palette.color(QPalette::Highlight) : option.palette.color(QPalette::HighlightedText));
        painter->setFont(font);
        painter->drawText(r, Qt::AlignCenter, text);
        painter->restore();
    }
};

QString stateText(ConnectionState state)
{
    switch (state) {
    case ConnectionState::Online:
        return MainWindow::tr("Online");
    case ConnectionState::Offline:
        return MainWindow::tr("Offline");
    case ConnectionState::SigningIn:
        return MainWindow::tr("Signing in…");
    case ConnectionState::Throttled:
        return MainWindow::tr("Throttled by the server");
    case ConnectionState::SignedOut:
        return MainWindow::tr("Signed out");
    }
    return QString();
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Elevate"));
    setWindowIcon(themedIcon(QStringLiteral("elevate")));

    auto* central = new QWidget(this);
    auto* column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    m_banner = new MessageBanner(central);
    column->addWidget(m_banner);

    auto* splitter = new QSplitter(Qt::Horizontal, central);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->setChildrenCollapsible(false);
    m_navigation = new QListWidget(splitter);
    m_navigation->setObjectName(QStringLiteral("navigationList"));
    m_navigation->setAccessibleName(tr("Panes"));
    m_navigation->setItemDelegate(new NavigationDelegate(m_navigation));
    m_navigation->setIconSize(QSize(22, 22));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setMinimumWidth(190);
    m_navigation->setMaximumWidth(380);
    m_navigation->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_navigation->setTextElideMode(Qt::ElideRight);
    m_stack = new QStackedWidget(splitter);
    m_stack->setObjectName(QStringLiteral("paneStack"));
    splitter->addWidget(m_navigation);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(1, 1);
    column->addWidget(splitter, 1);
    setCentralWidget(central);

    m_welcome = new QWidget(m_stack);
    m_welcome->setObjectName(QStringLiteral("welcomePage"));
    auto* welcome = new QVBoxLayout(m_welcome);
    auto* welcomeText = new QLabel(tr("<h2>Welcome to Elevate</h2><p>Add a profile for your Microsoft Entra tenant or "
                                      "your organisation's elevated server to see your roles, approvals, reviews "
                                      "and audit history.</p>"),
                                   m_welcome);
    welcomeText->setWordWrap(true);
    welcomeText->setAlignment(Qt::AlignCenter);
    welcome->addStretch();
    welcome->addWidget(welcomeText);
    auto* addProfile = new QPushButton(tr("Add a profile…"), m_welcome);
    addProfile->setObjectName(QStringLiteral("welcomeAddProfileButton"));
    connect(addProfile, &QPushButton::clicked, this, &MainWindow::addProfileRequested);
    auto* buttonRow = new QHBoxLayout;
    buttonRow->addStretch();
    buttonRow->addWidget(addProfile);
    buttonRow->addStretch();
    welcome->addLayout(buttonRow);
    welcome->addStretch();
    m_stack->addWidget(m_welcome);

    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_panes.size()) {
            m_stack->setCurrentWidget(m_panes.at(row));
        }
    });

    buildMenus();
    buildStatusBar();

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        m_tray->setToolTip(tr("Elevate"));
        auto* menu = new QMenu(this);
        menu->addAction(tr("Show Elevate"), this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
        menu->addAction(tr("Quit"), qApp, &QApplication::quit);
        m_tray->setContextMenu(menu);
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            showNormal();
            raise();
            activateWindow();
        });
        m_tray->show();
    }

    m_syncedTimer = new QTimer(this);
    m_syncedTimer->setInterval(5000);
    connect(m_syncedTimer, &QTimer::timeout, this, &MainWindow::updateSyncedLabel);
    m_syncedTimer->start();

    restoreWindowSettings();
    if (QSettings().value(QStringLiteral("window/dark")).toBool()) {
        applyPalette(true);
    }
    setWorkspace(nullptr);
}

void MainWindow::applyPalette(bool dark)
{
    static const QPalette original = QApplication::palette();
    if (!dark) {
        QApplication::setPalette(original);
        return;
    }
    // Fusion draws every control from the palette, so the whole window follows it.
    QApplication::setStyle(QStringLiteral("Fusion"));
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31), base(0x1f, 0x21, 0x24), text(0xe8, 0xea, 0xed), dim(0x9a, 0xa0, 0xa6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2d));
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::PlaceholderText, dim);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(0x45, 0x48, 0x4d));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1c));
    p.setColor(QPalette::Light, QColor(0x50, 0x53, 0x58));
    p.setColor(QPalette::Disabled, QPalette::Text, dim);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, dim);
    p.setColor(QPalette::Disabled, QPalette::WindowText, dim);
    QApplication::setPalette(p);
}

MainWindow::~MainWindow()
{
    clearPanes();
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* addProfile = file->addAction(themedIcon(QStringLiteral("list-add")), tr("&Add Profile…"));
    addProfile->setObjectName(QStringLiteral("addProfileAction"));
    connect(addProfile, &QAction::triggered, this, &MainWindow::addProfileRequested);
    QAction* signIn = file->addAction(themedIcon(QStringLiteral("system-log-in")), tr("Sign &In"));
    signIn->setObjectName(QStringLiteral("signInAction"));
    connect(signIn, &QAction::triggered, this, &MainWindow::signInRequested);
    QAction* signOut = file->addAction(themedIcon(QStringLiteral("system-log-out")), tr("Sign &Out"));
    signOut->setObjectName(QStringLiteral("signOutAction"));
    connect(signOut, &QAction::triggered, this, &MainWindow::signOutRequested);
    file->addSeparator();
    QAction* quit = file->addAction(themedIcon(QStringLiteral("application-exit")), tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setObjectName(QStringLiteral("quitAction"));
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* refresh = view->addAction(themedIcon(QStringLiteral("view-refresh")), tr("&Refresh"));
    refresh->setObjectName(QStringLiteral("refreshAction"));
    refresh->setShortcut(QKeySequence::Refresh);
    connect(refresh, &QAction::triggered, this, &MainWindow::refreshCurrent);
    QAction* find = view->addAction(themedIcon(QStringLiteral("edit-find")), tr("&Find"));
    find->setObjectName(QStringLiteral("findAction"));
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        if (Pane* p = currentPane()) {
            p->focusFind();
        }
    });
    QAction* primary = view->addAction(tr("Run the Pane's &Main Action"));
    primary->setObjectName(QStringLiteral("primaryAction"));
    primary->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    connect(primary, &QAction::triggered, this, [this] {
        if (Pane* p = currentPane()) {
            p->primaryAction();
        }
    });
    view->addSeparator();
    // Ctrl+1 … Ctrl+5: the panes, filled in when the panes are built.
    m_paneActions.clear();
    for (int i = 0; i < 9; ++i) {
        QAction* a = view->addAction(QString());
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        a->setVisible(false);
        connect(a, &QAction::triggered, this, [this, i] {
            if (i < m_panes.size()) {
                m_navigation->setCurrentRow(i);
            }
        });
        m_paneActions.append(a);
    }

    view->addSeparator();
    QAction* dark = view->addAction(tr("&Dark Palette"));
    dark->setObjectName(QStringLiteral("darkPaletteAction"));
    dark->setCheckable(true);
    dark->setChecked(QSettings().value(QStringLiteral("window/dark")).toBool());
    connect(dark, &QAction::toggled, this, [](bool on) {
        QSettings().setValue(QStringLiteral("window/dark"), on);
        applyPalette(on);
    });

    QMenu* sync = menuBar()->addMenu(tr("&Sync"));
    QAction* syncAll = sync->addAction(themedIcon(QStringLiteral("emblem-synchronizing")), tr("Sync &Everything Now"));
    syncAll->setObjectName(QStringLiteral("syncAllAction"));
    syncAll->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    connect(syncAll, &QAction::triggered, this, &MainWindow::syncEverything);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(themedIcon(QStringLiteral("help-about")), tr("&About Elevate"));
    about->setObjectName(QStringLiteral("aboutAction"));
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);

    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(refresh);
    toolbar->addAction(syncAll);
    auto* spacer = new QWidget(toolbar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolbar->addWidget(spacer);
    auto* personaLabel = new QLabel(tr("Demo persona:") + u' ', toolbar);
    m_personas = new QComboBox(toolbar);
    m_personas->setObjectName(QStringLiteral("personaCombo"));
    m_personas->setAccessibleName(tr("Demo persona"));
    m_personas->setToolTip(tr("See the console as another person of the demo organisation"));
    personaLabel->setBuddy(m_personas);
    auto* personaBox = new QWidget(toolbar);
    auto* personaRow = new QHBoxLayout(personaBox);
    personaRow->setContentsMargins(0, 0, 6, 0);
    personaRow->addWidget(personaLabel);
    personaRow->addWidget(m_personas);
    m_personaAction = toolbar->addWidget(personaBox);
    m_personaAction->setVisible(false);
    connect(m_personas, &QComboBox::activated, this, [this](int index) {
        if (!m_updatingCombos) {
            emit personaSwitchRequested(m_personas->itemData(index).toString());
        }
    });
}

void MainWindow::buildStatusBar()
{
    QStatusBar* bar = statusBar();
    bar->setObjectName(QStringLiteral("statusBar"));
    auto* profileLabel = new QLabel(tr("Profile:"), bar);
    m_profiles = new QComboBox(bar);
    m_profiles->setObjectName(QStringLiteral("profileCombo"));
    m_profiles->setAccessibleName(tr("Profile"));
    m_profiles->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    profileLabel->setBuddy(m_profiles);
    connect(m_profiles, &QComboBox::activated, this, [this](int index) {
        if (!m_updatingCombos) {
            emit profileSwitchRequested(m_profiles->itemText(index));
        }
    });
    bar->addWidget(profileLabel);
    bar->addWidget(m_profiles);
    m_tokensWarning = new QLabel(bar);
    m_tokensWarning->setObjectName(QStringLiteral("tokensWarning"));
    m_tokensWarning->setText(tr("No keychain: you stay signed in for this session only"));
    m_tokensWarning->hide();
    bar->addWidget(m_tokensWarning);
    m_connection = new QLabel(bar);
    m_connection->setObjectName(QStringLiteral("connectionLabel"));
    m_connection->setAccessibleName(tr("Connection state"));
    bar->addPermanentWidget(m_connection);
    m_synced = new QLabel(bar);
    m_synced->setObjectName(QStringLiteral("syncedLabel"));
    m_synced->setAccessibleName(tr("Last sync"));
    bar->addPermanentWidget(m_synced);
}

void MainWindow::clearPanes()
{
    if (!m_panes.isEmpty()) {
        QSettings settings;
        for (Pane* p : std::as_const(m_panes)) {
            settings.beginGroup(QStringLiteral("panes/") + p->paneId());
            p->saveState(settings);
            settings.endGroup();
        }
    }
    m_navigation->clear();
    for (Pane* p : std::as_const(m_panes)) {
        m_stack->removeWidget(p);
        delete p;
    }
    m_panes.clear();
    for (QAction* a : std::as_const(m_paneActions)) {
        a->setVisible(false);
    }
}

void MainWindow::setWorkspace(Workspace* workspace)
{
    const QString previous = currentPane() ? currentPane()->paneId() : QSettings().value(QStringLiteral("window/pane")).toString();
    clearPanes();
    m_banner->clear();
    m_workspace = workspace;
    if (!workspace) {
        m_stack->setCurrentWidget(m_welcome);
        m_navigation->setEnabled(false);
        m_connection->setText(tr("No profile"));
        m_synced->clear();
        m_tokensWarning->hide();
        return;
    }
    m_navigation->setEnabled(true);
    m_panes = createPanes(*workspace, m_stack);
    QSettings settings;
    for (int i = 0; i < m_panes.size(); ++i) {
        Pane* p = m_panes.at(i);
        m_stack->addWidget(p);
        settings.beginGroup(QStringLiteral("panes/") + p->paneId());
        p->restoreState(settings);
        settings.endGroup();
        auto* item = new QListWidgetItem(p->icon(), p->title(), m_navigation);
        item->setData(PaneIdRole, p->paneId());
        item->setData(BadgeRole, 0);
        if (i < m_paneActions.size()) {
            m_paneActions.at(i)->setText(p->title());
            m_paneActions.at(i)->setIcon(p->icon());
            m_paneActions.at(i)->setVisible(true);
        }
        connect(p, &Pane::badgeChanged, this, [this, p](int count) { updateBadge(p, count); });
        connect(p, &Pane::bannerRequested, this, &MainWindow::showBanner);
        connect(p, &Pane::notificationRequested, this, &MainWindow::notify);
    }
    // Wide enough for the longest title (German ones are long), its icon and a badge.
    int widest = 0;
    for (Pane* p : std::as_const(m_panes)) {
        widest = std::max(widest, m_navigation->fontMetrics().horizontalAdvance(p->title()));
    }
    const int wanted = widest + m_navigation->iconSize().width() + m_navigation->fontMetrics().horizontalAdvance(QStringLiteral("0000")) + 48;
    m_navigation->setMinimumWidth(std::clamp(wanted, 190, 380));
    if (m_panes.isEmpty()) {
        m_stack->setCurrentWidget(m_welcome);
    } else {
        m_navigation->setCurrentRow(0);
        showPane(previous);
    }

    const bool sessionOnly = workspace->tokens().isSessionOnly() && !workspace->tokens().isMemoryOnlyByChoice();
    m_tokensWarning->setVisible(sessionOnly);
    connect(&workspace->tokens(), &TokenStore::sessionOnlyChanged, this, [this, workspace](bool on) {
        m_tokensWarning->setVisible(on && !workspace->tokens().isMemoryOnlyByChoice());
    });
    if (SyncEngine* engine = workspace->engine()) {
        connect(engine, &SyncEngine::connectionStateChanged, this, &MainWindow::connectionChanged);
        connect(engine, &SyncEngine::collectionSynced, this, &MainWindow::updateSyncedLabel);
        connectionChanged(engine->state());
        updateSyncedLabel();
    } else {
        m_connection->setText(tr("Online only"));
        m_synced->setText(tr("No offline cache"));
    }
}

void MainWindow::setProfiles(const QStringList& names, const QString& current)
{
    m_updatingCombos = true;
    m_profiles->clear();
    m_profiles->addItems(names);
    m_profiles->setCurrentText(current);
    m_profiles->setEnabled(names.size() > 1);
    m_updatingCombos = false;
}

void MainWindow::setPersonas(const QList<std::pair<QString, QString>>& personas, const QString& current)
{
    m_updatingCombos = true;
    m_personas->clear();
    for (const auto& [user, label] : personas) {
        m_personas->addItem(label, user);
        if (user == current) {
            m_personas->setCurrentIndex(m_personas->count() - 1);
        }
    }
    m_personaAction->setVisible(!personas.isEmpty());
    m_updatingCombos = false;
}

Pane* MainWindow::pane(const QString& paneId) const
{
    for (Pane* p : m_panes) {
        if (p->paneId() == paneId) {
            return p;
        }
    }
    return nullptr;
}

Pane* MainWindow::currentPane() const
{
    return qobject_cast<Pane*>(m_stack->currentWidget());
}

void MainWindow::showPane(const QString& paneId)
{
    for (int i = 0; i < m_panes.size(); ++i) {
        if (m_panes.at(i)->paneId() == paneId) {
            m_navigation->setCurrentRow(i);
            return;
        }
    }
}

void MainWindow::showBanner(const Banner& banner)
{
    m_banner->showBanner(banner);
}

void MainWindow::notify(const Notification& notification)
{
    Banner b;
    b.level = Banner::Level::Information;
    b.text = notification.text.isEmpty() ? notification.title : notification.title + QStringLiteral(": ") + notification.text;
    b.actions = notification.actions;
    m_banner->showBanner(b);
    if (m_tray && m_tray->isVisible()) {
        m_tray->showMessage(notification.title, notification.text, windowIcon(), 10000);
    }
}

void MainWindow::updateBadge(Pane* pane, int count)
{
    const int row = int(m_panes.indexOf(pane));
    if (QListWidgetItem* item = m_navigation->item(row)) {
        item->setData(BadgeRole, count);
        item->setText(pane->title());
        // Screen readers hear the count too.
        item->setData(Qt::AccessibleTextRole,
                      count > 0 ? tr("%1, %2 waiting").arg(pane->title()).arg(count) : pane->title());
    }
}

void MainWindow::connectionChanged(ConnectionState state)
{
    m_connection->setText(stateText(state));
    if (state == ConnectionState::Offline) {
        Banner b;
        b.level = Banner::Level::Warning;
        b.text = tr("The server cannot be reached. You see the data cached %1; review decisions are kept and sent "
                    "when it answers again.")
                     .arg(m_synced->text().isEmpty() ? tr("earlier") : m_synced->property("ago").toString());
        b.actions.append({tr("Retry"), [this] { syncEverything(); }});
        m_banner->showBanner(b);
    } else if (state == ConnectionState::SignedOut) {
        Banner b;
        b.level = Banner::Level::Warning;
        b.text = tr("You are signed out. Sign in to see current data.");
        b.actions.append({tr("Sign in"), [this] { emit signInRequested(); }});
        m_banner->showBanner(b);
    } else if (state == ConnectionState::Online && m_banner->level() == Banner::Level::Warning) {
        m_banner->clear();
    }
}

void MainWindow::updateSyncedLabel()
{
    if (!m_workspace || !m_workspace->cache()) {
        return;
    }
    Timestamp newest;
    for (const Cache::SyncState& s : m_workspace->cache()->syncStates()) {
        if (!s.lastSync.isNull() && (newest.isNull() || newest < s.lastSync)) {
            newest = s.lastSync;
        }
    }
    if (newest.isNull()) {
        m_synced->setText(tr("Not synced yet"));
        m_synced->setProperty("ago", tr("never"));
        return;
    }
    const QString ago = Models::Format::ago(newest, Timestamp::fromDateTime(QDateTime::currentDateTimeUtc()));
    m_synced->setText(tr("Synced %1").arg(ago));
    m_synced->setProperty("ago", ago);
    m_synced->setToolTip(Models::Format::dateTime(newest));
}

void MainWindow::refreshCurrent()
{
    if (Pane* p = currentPane()) {
        p->refresh();
    }
}

void MainWindow::syncEverything()
{
    if (m_workspace && m_workspace->engine()) {
        m_workspace->engine()->syncAll();
        m_workspace->engine()->drainOutbox();
    }
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Elevate"),
                       tr("<h3>Elevate %1</h3><p>Just-in-time privileged access for Microsoft Entra ID and the "
                          "self-hosted elevated server.</p><p>Open source.</p>")
                           .arg(QApplication::applicationVersion()));
}

void MainWindow::saveSettings()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (auto* splitter = findChild<QSplitter*>(QStringLiteral("mainSplitter"))) {
        settings.setValue(QStringLiteral("window/splitter"), splitter->saveState());
    }
    if (Pane* p = currentPane()) {
        settings.setValue(QStringLiteral("window/pane"), p->paneId());
    }
    for (Pane* p : std::as_const(m_panes)) {
        settings.beginGroup(QStringLiteral("panes/") + p->paneId());
        p->saveState(settings);
        settings.endGroup();
    }
}

void MainWindow::restoreWindowSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) {
        resize(1180, 720);
    }
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (auto* splitter = findChild<QSplitter*>(QStringLiteral("mainSplitter"))) {
        if (!splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray())) {
            splitter->setSizes({210, 970});
        }
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    event->accept();
}

void MainWindow::changeEvent(QEvent* event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) {
        for (int i = 0; i < m_panes.size(); ++i) {
            if (QListWidgetItem* item = m_navigation->item(i)) {
                item->setText(m_panes.at(i)->title());
            }
        }
    }
}

} // namespace Elevate::Ui
