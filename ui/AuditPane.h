#pragma once

#include "AuditQuery.h"
#include "Pane.h"

#include <QTimer>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QTableView;
class QTextBrowser;
class QToolButton;

class QChartView;
class QLineSeries;
class QDateTimeAxis;
class QValueAxis;

namespace Elevate {
struct AuditEvent;
enum class SyncCollection;
enum class ConnectionState;
namespace Models {
class AuditModel;
}
} // namespace Elevate

namespace Elevate::Ui {

// The auditor's pane: every archived audit event in a table over the windowed AuditModel, a
// filter bar (time range with quick picks, actor, role, activity, result, free text), the
// matching count, the selected event in full with the other events of its request, export of
// the filtered events to CSV or JSON, and a small chart of activations per day.
// Shows the local archive at once; pulls new events in the background. An account the server
// refuses the audit log to (403) is told so plainly.
class AuditPane final : public Pane
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditPane)

public:
    enum class ExportFormat { Csv, Json };
    // The quick picks of rangeCombo, in order.
    enum Range { Last24Hours, Last7Days, Last30Days, Last90Days, AllTime, CustomRange };
    static constexpr int DebounceMs = 150;

    explicit AuditPane(Workspace& workspace, QWidget* parent = nullptr);
    ~AuditPane() override;

    QString paneId() const override { return QStringLiteral("audit"); }
    QString title() const override;
    QIcon icon() const override;
    void refresh() override;
    void focusFind() override;
    void primaryAction() override;
    void saveState(QSettings& settings) const override;
    void restoreState(QSettings& settings) override;

    // Writes the events matching the current filter to `path` (what the export button does
    // after its file dialog). False, with a banner saying why, when it could not.
    bool exportTo(const QString& path, ExportFormat format);
    // The filter the view shows now.
    Cache::AuditQuery currentQuery() const { return m_query; }
    Models::AuditModel* model() const { return m_model; }
    // True when the server refused this account the audit log.
    bool isForbidden() const { return m_forbidden; }

public slots:
    // Reads the filter bar into a query and shows its events (the debounce timer's target).
    void applyFilter();
    void exportWithDialog();

private:
    void buildUi();
    void onTablesChanged(const QStringList& tables);
    void onCollectionSynced(SyncCollection collection, const QString& error);
    void reloadPickers();
    void updateCount();
    void updateStatus();
    void updateChart();
    void showDetails(const AuditEvent& event);
    void showDetailsOfRow(int row);
    void rangeChanged();
    void showEvent(QShowEvent* event) override;
    // The AuditQuery key for typed text; *unresolved is set when no single value matches.
    QString resolve(const QString& text, const QList<std::pair<QString, QString>>& values, bool* unresolved) const;

    Models::AuditModel* m_model = nullptr;
    Cache::AuditQuery m_query;
    QTimer m_debounce;
    // Details and chart follow the table by one event-loop turn, so the table paints first.
    QTimer m_detailsLater;
    QTimer m_chartLater;
    QTimer m_ageTimer; // keeps "Updated 5 min ago" true
    bool m_shownOnce = false;
    bool m_forbidden = false;
    QString m_syncError;
    QString m_unresolved; // what the count label adds when a typed name matched no one value
    QList<std::pair<QString, QString>> m_actors;
    QList<std::pair<QString, QString>> m_roles;
    QList<AuditEvent> m_related; // the shown event's request, for detailsView's links
    QString m_shownId;           // the event detailsView shows

    QComboBox* m_rangeCombo = nullptr;
    QDateTimeEdit* m_fromEdit = nullptr;
    QDateTimeEdit* m_toEdit = nullptr;
    QLineEdit* m_actorEdit = nullptr;
    QLineEdit* m_roleEdit = nullptr;
    QComboBox* m_activityCombo = nullptr;
    QComboBox* m_resultCombo = nullptr;
    QLineEdit* m_searchEdit = nullptr;
    QLabel* m_countLabel = nullptr;
    QLabel* m_statusLabel = nullptr;
    QPushButton* m_exportButton = nullptr;
    QToolButton* m_chartButton = nullptr;
    QSplitter* m_splitter = nullptr;
    QTableView* m_view = nullptr;
    QTextBrowser* m_details = nullptr;
    QWidget* m_chartBox = nullptr;
    QChartView* m_chart = nullptr;
    QLineSeries* m_series = nullptr; // whole days
    QLineSeries* m_todaySeries = nullptr; // the last whole day to today, a day still filling: dashed
    QDateTimeAxis* m_axisX = nullptr;
    QValueAxis* m_axisY = nullptr;
};

} // namespace Elevate::Ui
