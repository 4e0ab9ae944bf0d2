#include "ReviewsPane.h"
#include "Widgets.h"

#include "CacheDatabase.h"
#include "DecisionsModel.h"
#include "Format.h"
#include "Outbox.h"
#include "ReviewsModel.h"
#include "Session.h"
#include "SyncEngine.h"
#include "SyncIssuesDialog.h"
#include "Workspace.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

#include <memory>

namespace Elevate::Ui {

using Models::DecisionsModel;
using Models::ReviewsModel;

namespace {

QPushButton* makeButton(const QString& objectName, const QString& text, const QString& accessibleName, QWidget* parent)
{
    auto* button = new QPushButton(text, parent);
    button->setObjectName(objectName);
    button->setAccessibleName(accessibleName);
    return button;
}

Timestamp nowUtc()
{
    return Timestamp::fromDateTime(QDateTime::currentDateTimeUtc());
}

} // namespace

ReviewsPane::ReviewsPane(Workspace& workspace, QWidget* parent)
    : Pane(workspace, parent)
{
    setObjectName(QStringLiteral("reviewsPane"));

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("reviewsStatusLabel"));
    m_status->setWordWrap(true);

    m_reviewsView = makeListView(QStringLiteral("reviewsView"), tr("My access reviews"), this,
                                 QAbstractItemView::SingleSelection);
    m_decisionsView = makeListView(QStringLiteral("decisionsView"), tr("Decisions of the chosen review"), this);
    m_reviewTitle = new QLabel(this);
    m_reviewTitle->setObjectName(QStringLiteral("reviewTitleLabel"));
    m_reviewTitle->setWordWrap(true);

    m_reason = new QLineEdit(this);
    m_reason->setObjectName(QStringLiteral("reasonEdit"));
    m_reason->setAccessibleName(tr("Reason"));
    m_reason->setPlaceholderText(tr("Reason for your decision"));
    m_reason->setClearButtonEnabled(true);
    auto* reasonLabel = new QLabel(tr("&Reason:"), this);
    reasonLabel->setBuddy(m_reason);

    m_approve = makeButton(QStringLiteral("approveDecisionButton"), tr("&Approve"), tr("Approve the selected decisions"), this);
    m_deny = makeButton(QStringLiteral("denyDecisionButton"), tr("&Deny"), tr("Deny the selected decisions"), this);
    m_dontKnow = makeButton(QStringLiteral("dontKnowButton"), tr("Do&n't know"), tr("Don't know for the selected decisions"), this);
    m_acceptRecommendations = makeButton(QStringLiteral("acceptRecommendationsButton"), tr("Accept re&commendations"),
                                         tr("Accept the recommendations for every decision not made yet"), this);
    m_acceptRecommendations->setToolTip(tr("Every decision not made yet takes its recommendation."));
    m_syncIssues = makeButton(QStringLiteral("syncIssuesButton"), tr("S&ync issues"), tr("Show sync issues"), this);

    m_filter = makeFilterEdit(QStringLiteral("decisionFilterEdit"), tr("Find a person"), tr("Find a person (Ctrl+F)"), this);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    auto* titleRow = new QHBoxLayout;
    titleRow->addWidget(m_reviewTitle, 1);
    titleRow->addWidget(m_filter);
    rightLayout->addLayout(titleRow);
    rightLayout->addWidget(m_decisionsView, 1);
    auto* reasonRow = new QHBoxLayout;
    reasonRow->addWidget(reasonLabel);
    reasonRow->addWidget(m_reason, 1);
    rightLayout->addLayout(reasonRow);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_approve);
    buttons->addWidget(m_deny);
    buttons->addWidget(m_dontKnow);
    buttons->addStretch(1);
    buttons->addWidget(m_acceptRecommendations);
    rightLayout->addLayout(buttons);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("reviewsSplitter"));
    m_splitter->addWidget(m_reviewsView);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setSizes({380, 1000});

    auto* top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(m_syncIssues);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_splitter, 1);

    setTabOrder(m_reviewsView, m_filter);
    setTabOrder(m_filter, m_decisionsView);
    setTabOrder(m_decisionsView, m_reason);
    setTabOrder(m_reason, m_approve);
    setTabOrder(m_approve, m_deny);
    setTabOrder(m_deny, m_dontKnow);
    setTabOrder(m_dontKnow, m_acceptRecommendations);
    setTabOrder(m_acceptRecommendations, m_syncIssues);

    Cache::CacheDatabase* cache = workspace.cache();
    if (!cache) {
        m_status->setText(tr("The offline cache could not be opened: access reviews are not available in this profile."));
        for (QWidget* w : {static_cast<QWidget*>(m_splitter), static_cast<QWidget*>(m_syncIssues)}) {
            w->setEnabled(false);
        }
        return;
    }

    m_reviews = new ReviewsModel(*cache, workspace.outbox(), this);
    auto* reviewsProxy = new QSortFilterProxyModel(this);
    reviewsProxy->setSourceModel(m_reviews);
    reviewsProxy->setSortRole(ReviewsModel::RawValueRole);
    m_reviewsView->setModel(reviewsProxy);
    m_reviewsView->sortByColumn(ReviewsModel::DueColumn, Qt::AscendingOrder);
    m_reviewsView->header()->setStretchLastSection(false);
    m_reviewsView->header()->setSectionResizeMode(ReviewsModel::NameColumn, QHeaderView::Stretch);
    m_reviewsView->header()->setSectionResizeMode(ReviewsModel::ProgressColumn, QHeaderView::ResizeToContents);
    m_reviewsView->header()->setSectionResizeMode(ReviewsModel::DueColumn, QHeaderView::ResizeToContents);

    m_decisions = new DecisionsModel(*cache, workspace.outbox(), this);
    m_decisionsProxy = new QSortFilterProxyModel(this);
    m_decisionsProxy->setSourceModel(m_decisions);
    m_decisionsProxy->setSortRole(DecisionsModel::RawValueRole);
    m_decisionsProxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_decisionsProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_decisionsProxy->setFilterKeyColumn(DecisionsModel::PrincipalColumn);
    connect(m_filter, &QLineEdit::textChanged, m_decisionsProxy, &QSortFilterProxyModel::setFilterFixedString);
    m_decisionsView->setModel(m_decisionsProxy);
    m_decisionsView->sortByColumn(DecisionsModel::PrincipalColumn, Qt::AscendingOrder);
    m_decisionsView->header()->resizeSection(DecisionsModel::PrincipalColumn, 170);
    m_decisionsView->header()->resizeSection(DecisionsModel::ResourceColumn, 170);
    m_decisionsView->header()->resizeSection(DecisionsModel::RecommendationColumn, 270);
    m_decisionsView->header()->resizeSection(DecisionsModel::DecisionColumn, 100);

    connect(m_reviewsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ReviewsPane::selectReview);
    connect(m_decisionsView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ReviewsPane::updateActions);
    connect(m_reason, &QLineEdit::textChanged, this, &ReviewsPane::updateActions);
    connect(m_reason, &QLineEdit::returnPressed, this, &ReviewsPane::primaryAction);
    connect(m_approve, &QPushButton::clicked, this, [this] { decideSelected(ReviewDecisionValue::Approve); });
    connect(m_deny, &QPushButton::clicked, this, [this] { decideSelected(ReviewDecisionValue::Deny); });
    connect(m_dontKnow, &QPushButton::clicked, this, [this] { decideSelected(ReviewDecisionValue::DontKnow); });
    connect(m_acceptRecommendations, &QPushButton::clicked, this, &ReviewsPane::acceptRecommendations);
    connect(m_syncIssues, &QPushButton::clicked, this, &ReviewsPane::showSyncIssues);

    if (SyncEngine* engine = workspace.engine()) {
        connect(engine, &SyncEngine::tablesChanged, this, [this](const QStringList& tables) {
            static const QStringList mine{QStringLiteral("reviewDefinitions"), QStringLiteral("reviewInstances"),
                                          QStringLiteral("reviewDecisions"), QStringLiteral("outbox")};
            for (const QString& t : tables) {
                if (mine.contains(t)) {
                    reload();
                    return;
                }
            }
        });
        connect(engine, &SyncEngine::connectionStateChanged, this, &ReviewsPane::updateStatus);
        connect(engine, &SyncEngine::collectionSynced, this, [this](SyncCollection collection, const QString&) {
            if (collection == SyncCollection::Reviews) {
                updateStatus();
            }
        });
        connect(engine, &SyncEngine::outboxItemSettled, this,
                [this](qint64 id, Cache::OutboxItem::State state, const QString&) {
                    const auto item = Pane::workspace().outbox() ? Pane::workspace().outbox()->item(id) : std::nullopt;
                    if (state != Cache::OutboxItem::State::Conflict || !item
                        || item->kind == Cache::OutboxItem::Kind::ApprovalDecision) {
                        return; // approvals are the Pending Approvals pane's to report
                    }
                    Banner banner;
                    banner.level = Banner::Level::Warning;
                    banner.text = tr("The server refused a review decision. Retry or discard it in Sync issues.");
                    banner.actions << Banner::Action{tr("Show sync issues"), [pane = QPointer<ReviewsPane>(this)] {
                                                         if (pane) {
                                                             pane->showSyncIssues();
                                                         }
                                                     }};
                    emit bannerRequested(banner);
                });
    }

    // "Updated 3 min ago" ages with the clock, not only with pulls.
    auto* ageTimer = new QTimer(this);
    ageTimer->setInterval(std::chrono::seconds(30));
    connect(ageTimer, &QTimer::timeout, this, &ReviewsPane::updateStatus);
    ageTimer->start();

    reload();
    if (m_reviewsView->model()->rowCount() > 0) {
        m_reviewsView->setCurrentIndex(m_reviewsView->model()->index(0, 0));
    }
    updateActions();
}

ReviewsPane::~ReviewsPane() = default;

QString ReviewsPane::title() const
{
    return tr("Access Reviews");
}

QIcon ReviewsPane::icon() const
{
    return themedIcon(QStringLiteral("elevate-reviews"));
}

void ReviewsPane::refresh()
{
    if (SyncEngine* engine = workspace().engine()) {
        // Waiting decisions first, then the reviews as the server now has them.
        engine->drainOutbox([engine] { engine->syncNow(SyncCollection::Reviews); });
    }
}

void ReviewsPane::focusFind()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void ReviewsPane::primaryAction()
{
    if (m_approve->isEnabled()) {
        decideSelected(ReviewDecisionValue::Approve);
    }
}

void ReviewsPane::saveState(QSettings& settings) const
{
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("reviewsHeader"), m_reviewsView->header()->saveState());
    settings.setValue(QStringLiteral("decisionsHeader"), m_decisionsView->header()->saveState());
}

void ReviewsPane::restoreState(QSettings& settings)
{
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    m_reviewsView->header()->restoreState(settings.value(QStringLiteral("reviewsHeader")).toByteArray());
    m_decisionsView->header()->restoreState(settings.value(QStringLiteral("decisionsHeader")).toByteArray());
}

void ReviewsPane::reload()
{
    if (!m_reviews) {
        return;
    }
    m_reviews->reload();
    // The chosen review may have got its instance (or a new one) with this pull.
    const QModelIndex current = m_reviewsView->currentIndex();
    const QString instance = current.isValid()
        ? current.siblingAtColumn(0).data(ReviewsModel::InstanceIdRole).toString()
        : QString();
    if (instance != m_decisions->instanceId()) {
        m_decisions->setReview(instance);
    } else {
        m_decisions->reload();
    }
    if (!current.isValid() && m_reviewsView->model()->rowCount() > 0) {
        m_reviewsView->setCurrentIndex(m_reviewsView->model()->index(0, 0));
    }
    if (m_syncDialog) {
        m_syncDialog->reload();
    }
    const int open = m_reviews->openDecisions();
    if (open != m_badge) {
        m_badge = open;
        emit badgeChanged(open);
    }
    updateStatus();
    updateActions();
}

void ReviewsPane::selectReview()
{
    const QModelIndex current = m_reviewsView->currentIndex();
    m_decisions->setReview(current.isValid() ? current.siblingAtColumn(0).data(ReviewsModel::InstanceIdRole).toString()
                                             : QString());
    if (current.isValid()) {
        const int row = m_reviews->rowOf(current.siblingAtColumn(0).data(ReviewsModel::IdRole).toString());
        const Models::ReviewSummary& s = m_reviews->rows().at(row);
        QString text = tr("<b>%1</b>").arg(s.review.definition.displayName.toHtmlEscaped());
        if (!s.review.definition.descriptionForReviewers.isEmpty()) {
            text += QStringLiteral("<br>") + s.review.definition.descriptionForReviewers.toHtmlEscaped();
        }
        if (!s.review.instance) {
            text += QStringLiteral("<br>") + tr("This review has not started yet.");
        } else if (s.review.instance->status != ReviewStatus::InProgress) {
            text += QStringLiteral("<br>") + tr("This review has ended: decisions can no longer be changed.");
        }
        m_reviewTitle->setText(text);
    } else {
        m_reviewTitle->setText(m_reviews->rowCount() == 0 ? tr("No access review is assigned to you.") : QString());
    }
    updateActions();
}

QString ReviewsPane::currentDefinitionId() const
{
    const QModelIndex current = m_reviewsView->currentIndex();
    return current.isValid() ? current.siblingAtColumn(0).data(ReviewsModel::IdRole).toString() : QString();
}

QStringList ReviewsPane::selectedDecisionIds() const
{
    QStringList ids;
    const QModelIndexList rows = m_decisionsView->selectionModel()->selectedRows(DecisionsModel::PrincipalColumn);
    for (const QModelIndex& index : rows) {
        ids << index.data(DecisionsModel::IdRole).toString();
    }
    return ids;
}

bool ReviewsPane::reasonRequired() const
{
    const int row = m_reviews ? m_reviews->rowOf(currentDefinitionId()) : -1;
    return row >= 0 && m_reviews->rows().at(row).review.definition.settings.justificationRequiredOnApproval;
}

void ReviewsPane::updateActions()
{
    const int row = m_reviews ? m_reviews->rowOf(currentDefinitionId()) : -1;
    const bool open = row >= 0 && m_reviews->rows().at(row).review.instance
        && m_reviews->rows().at(row).review.instance->status == ReviewStatus::InProgress;
    const bool selection = open && m_decisionsView->selectionModel() && m_decisionsView->selectionModel()->hasSelection();
    const bool reasonOk = !reasonRequired() || !m_reason->text().trimmed().isEmpty();
    m_approve->setEnabled(!m_busy && selection && reasonOk);
    m_approve->setToolTip(selection && !reasonOk ? tr("This review asks for a reason to approve.") : QString());
    m_deny->setEnabled(!m_busy && selection);
    m_dontKnow->setEnabled(!m_busy && selection);
    m_acceptRecommendations->setEnabled(!m_busy && open && m_reviews->rows().at(row).open > 0);
    m_reason->setEnabled(open);

    if (Cache::Outbox* outbox = workspace().outbox(); outbox && outbox->isOpen()) {
        int conflicts = 0;
        int waiting = 0;
        for (const Cache::OutboxItem& item : outbox->list()) {
            conflicts += item.state == Cache::OutboxItem::State::Conflict ? 1 : 0;
            waiting += item.state != Cache::OutboxItem::State::Conflict && item.state != Cache::OutboxItem::State::Sent ? 1 : 0;
        }
        if (conflicts > 0) {
            m_syncIssues->setText(tr("S&ync issues (%1)").arg(conflicts));
            m_syncIssues->setToolTip(tr("Refused by the server: %1. Retry or discard them.").arg(conflicts));
        } else if (waiting > 0) {
            m_syncIssues->setText(tr("S&ync issues (%1 waiting)").arg(waiting));
            m_syncIssues->setToolTip(tr("Not sent yet: %1. They go out when the server answers.").arg(waiting));
        } else {
            m_syncIssues->setText(tr("S&ync issues"));
            m_syncIssues->setToolTip(tr("Nothing is waiting to be sent."));
        }
    }
}

void ReviewsPane::updateStatus()
{
    SyncEngine* engine = workspace().engine();
    Cache::CacheDatabase* cache = workspace().cache();
    if (!engine || !cache) {
        return;
    }
    const auto state = cache->syncState(QStringLiteral("reviews"));
    const Timestamp lastSync = state ? state->lastSync : Timestamp();
    const QString age = lastSync.isNull() ? QString() : Models::Format::ago(lastSync, nowUtc());
    switch (engine->state()) {
    case ConnectionState::Online:
        m_status->setText(lastSync.isNull() ? tr("Loading your access reviews…") : tr("Updated %1.").arg(age));
        break;
    case ConnectionState::Offline:
        m_status->setText(lastSync.isNull()
                              ? tr("Offline, and your access reviews were never loaded. They appear when the server answers.")
                              : tr("Offline: showing your reviews as of %1. Decisions you make are kept and sent when "
                                   "the server answers.")
                                    .arg(age));
        break;
    case ConnectionState::Throttled:
        m_status->setText(tr("The server asked to slow down: showing your reviews as of %1. Decisions are sent shortly.")
                              .arg(age.isEmpty() ? tr("never") : age));
        break;
    case ConnectionState::SigningIn:
        m_status->setText(tr("Signing in…"));
        break;
    case ConnectionState::SignedOut:
        m_status->setText(tr("Signed out: showing your reviews as of %1. Sign in again to send your decisions.")
                              .arg(age.isEmpty() ? tr("never") : age));
        break;
    }
}

void ReviewsPane::setBusy(bool busy)
{
    m_busy = busy;
    updateActions();
}

void ReviewsPane::decideSelected(ReviewDecisionValue value)
{
    const QStringList ids = selectedDecisionIds();
    if (ids.isEmpty() || m_busy) {
        return;
    }
    const QString reason = m_reason->text().trimmed();
    if (value == ReviewDecisionValue::Approve && reasonRequired() && reason.isEmpty()) {
        Banner banner;
        banner.level = Banner::Level::Warning;
        banner.text = tr("This review asks for a reason to approve. Type one, then approve again.");
        emit bannerRequested(banner);
        m_reason->setFocus();
        return;
    }
    setBusy(true);
    // Each decide() records its decision in the outbox at once (durable, in the order shown) and
    // then waits for the one drain of the outbox that carries them all. So the rows say "not yet
    // sent" immediately, even when the network hangs rather than refuses, and the answers come
    // together when the drain ends.
    struct Run
    {
        int waiting = 0;
        int recorded = 0;
        QStringList refusals;
        QStringList details;
    };
    auto run = std::make_shared<Run>();
    run->waiting = int(ids.size());
    QPointer<ReviewsPane> self(this);
    for (const QString& id : ids) {
        workspace().session().decide(id, value, reason, [self, run](const SessionReply<NoContent>& r) {
            if (r.ok()) {
                ++run->recorded;
            } else {
                run->refusals << r.message;
                if (!r.details.isEmpty()) {
                    run->details << r.details;
                }
            }
            if (--run->waiting == 0 && self) {
                self->finishDecisions(run->recorded, run->refusals, run->details);
            }
        });
    }
    if (run->waiting > 0) {
        reload(); // what the outbox now holds
    }
}

void ReviewsPane::finishDecisions(int recorded, const QStringList& refusals, const QStringList& details)
{
    setBusy(false);
    reload();
    Banner banner;
    const bool offline = workspace().engine() && workspace().engine()->state() != ConnectionState::Online;
    if (!refusals.isEmpty()) {
        banner.level = Banner::Level::Error;
        banner.text = refusals.size() == 1 ? refusals.first()
                                           : tr("Not applied: %1 decisions. See Sync issues.").arg(refusals.size());
        banner.details = (refusals + details).join(u'\n');
    } else if (offline) {
        banner.level = Banner::Level::Information;
        banner.text = tr("Recorded offline: %1. Sent when the server answers.")
                          .arg(recorded == 1 ? tr("1 decision") : tr("%1 decisions").arg(recorded));
    } else {
        banner.level = Banner::Level::Positive;
        banner.text = tr("Recorded: %1.").arg(recorded == 1 ? tr("1 decision") : tr("%1 decisions").arg(recorded));
    }
    emit bannerRequested(banner);
}

void ReviewsPane::acceptRecommendations()
{
    const QString definition = currentDefinitionId();
    if (definition.isEmpty() || m_busy) {
        return;
    }
    setBusy(true);
    QPointer<ReviewsPane> self(this);
    workspace().session().acceptRecommendations(definition, [self](const SessionReply<NoContent>& r) {
        if (!self) {
            return;
        }
        if (r.ok()) {
            self->setBusy(false);
            self->reload();
            Banner banner;
            const bool offline = self->workspace().engine()
                && self->workspace().engine()->state() != ConnectionState::Online;
            banner.level = offline ? Banner::Level::Information : Banner::Level::Positive;
            banner.text = offline ? tr("Recommendations accepted offline: sent when the server answers.")
                                  : tr("Recommendations accepted.");
            emit self->bannerRequested(banner);
        } else {
            self->finishDecisions(0, {r.message}, {r.details});
        }
    });
    if (m_busy) {
        reload(); // recorded in the outbox already; the send may still be out
    }
}

void ReviewsPane::showSyncIssues()
{
    if (!workspace().outbox() || !workspace().engine()) {
        return;
    }
    if (!m_syncDialog) {
        m_syncDialog = new SyncIssuesDialog(*workspace().outbox(), workspace().cache(), *workspace().engine(), this);
        m_syncDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_syncDialog, &SyncIssuesDialog::itemsChanged, this, &ReviewsPane::reload);
    }
    m_syncDialog->reload();
    m_syncDialog->open();
    m_syncDialog->raise();
    m_syncDialog->activateWindow();
}

} // namespace Elevate::Ui
