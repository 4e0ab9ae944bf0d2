#include "SyncIssuesDialog.h"

#include "Outbox.h"
#include "OutboxModel.h"
#include "SyncEngine.h"
#include "Widgets.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace Elevate::Ui {

using Models::OutboxModel;

SyncIssuesDialog::SyncIssuesDialog(Cache::Outbox& outbox, Cache::CacheDatabase* cache, SyncEngine& engine, QWidget* parent)
    : QDialog(parent)
    , m_outbox(outbox)
    , m_engine(engine)
{
    setObjectName(QStringLiteral("syncIssuesDialog"));
    setWindowTitle(tr("Sync issues"));
    resize(720, 360);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("syncIssuesSummary"));
    m_summary->setWordWrap(true);

    m_model = new OutboxModel(outbox, cache, this);
    m_view = makeListView(QStringLiteral("syncIssuesView"), tr("Decisions waiting or refused"), this);
    m_view->setSortingEnabled(false);
    m_view->setModel(m_model);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(OutboxModel::WhatColumn, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(OutboxModel::StateColumn, QHeaderView::ResizeToContents);
    m_view->header()->setSectionResizeMode(OutboxModel::MessageColumn, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(OutboxModel::RecordedColumn, QHeaderView::ResizeToContents);

    auto* box = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_retry = box->addButton(tr("&Retry"), QDialogButtonBox::ActionRole);
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_retry->setAccessibleName(tr("Send the selected decisions again"));
    m_retry->setToolTip(tr("Send the selected decisions again."));
    m_discard = box->addButton(tr("&Discard"), QDialogButtonBox::DestructiveRole);
    m_discard->setObjectName(QStringLiteral("discardButton"));
    m_discard->setAccessibleName(tr("Discard the selected decisions"));
    m_discard->setToolTip(tr("Give up the selected decisions: they will not be sent."));
    box->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("closeButton"));
    // Enter must not discard or retry by accident: only Close is a default.
    m_retry->setAutoDefault(false);
    m_discard->setAutoDefault(false);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_retry, &QPushButton::clicked, this, &SyncIssuesDialog::retrySelected);
    connect(m_discard, &QPushButton::clicked, this, &SyncIssuesDialog::discardSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SyncIssuesDialog::updateActions);
    connect(&engine, &SyncEngine::tablesChanged, this, [this](const QStringList& tables) {
        if (tables.contains(QStringLiteral("outbox")) || tables.contains(QStringLiteral("reviewDecisions"))) {
            reload();
        }
    });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    layout->addWidget(box);
    reload();
}

SyncIssuesDialog::~SyncIssuesDialog() = default;

void SyncIssuesDialog::reload()
{
    m_model->reload();
    const int conflicts = m_model->conflictCount();
    const int waiting = m_model->waitingCount();
    if (conflicts == 0 && waiting == 0) {
        m_summary->setText(tr("Everything you decided has been sent."));
    } else if (conflicts == 0) {
        m_summary->setText(tr("Waiting to be sent: %1. They go out when the server answers.").arg(waiting));
    } else {
        m_summary->setText(tr("Refused by the server: %1. Retry once the cause is fixed, or discard.").arg(conflicts));
    }
    updateActions();
}

QList<qint64> SyncIssuesDialog::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows()) {
        ids << index.data(OutboxModel::IdRole).toLongLong();
    }
    return ids;
}

void SyncIssuesDialog::updateActions()
{
    bool retryable = false;
    bool discardable = false;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows()) {
        const auto state = Cache::OutboxItem::State(index.data(OutboxModel::StateRole).toInt());
        retryable |= state == Cache::OutboxItem::State::Conflict || state == Cache::OutboxItem::State::Failed;
        discardable |= state != Cache::OutboxItem::State::Sending;
    }
    m_retry->setEnabled(retryable);
    m_discard->setEnabled(discardable);
}

void SyncIssuesDialog::retrySelected()
{
    for (qint64 id : selectedIds()) {
        const auto item = m_outbox.item(id);
        if (item && (item->state == Cache::OutboxItem::State::Conflict || item->state == Cache::OutboxItem::State::Failed)) {
            m_outbox.retry(id);
        }
    }
    reload();
    emit itemsChanged();
    m_engine.drainOutbox();
}

void SyncIssuesDialog::discardSelected()
{
    QList<qint64> ids;
    for (qint64 id : selectedIds()) {
        const auto item = m_outbox.item(id);
        if (item && item->state != Cache::OutboxItem::State::Sending) {
            ids << id;
        }
    }
    if (ids.isEmpty()) {
        return;
    }
    confirmThen(this, QStringLiteral("confirmDiscard"),
                ids.size() == 1 ? tr("Discard this decision?") : tr("Discard %n decisions?", nullptr, int(ids.size())),
                tr("They will not be sent, and the server keeps what it has. This cannot be undone."),
                tr("Discard"), [this, ids] {
                    for (qint64 id : ids) {
                        const auto item = m_outbox.item(id);
                        if (item && item->state != Cache::OutboxItem::State::Sending) {
                            m_outbox.discard(id);
                        }
                    }
                    reload();
                    emit itemsChanged();
                });
}

} // namespace Elevate::Ui
