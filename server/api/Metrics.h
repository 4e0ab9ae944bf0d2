#pragma once

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QString>

#include <array>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

namespace Elevate::Server {

// The server's metrics in the Prometheus text exposition format (version 0.0.4), served at
// GET /metrics:
//  - elevated_http_requests_total{route,method,status}: counter of answered requests;
//  - elevated_http_request_duration_seconds{route}: histogram of handling time;
//  - any gauge registered through setGauge() (pending requests, active assignments, ...);
//  - any histogram fed through observe() (the duration of the write-ahead log's syncs, ...).
// `route` is the pattern a request matched ("(unmatched)" otherwise), never the raw path, so
// the number of series stays bounded. Thread-safe: gauges may be set from any thread.
class Metrics final
{
public:
    using Labels = QList<std::pair<QString, QString>>;

    // Upper bounds of the duration histogram, in seconds (+Inf is implicit).
    static constexpr std::array<double, 11> DurationBuckets{ 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                             0.1,   0.25,   0.5,   1.0,  2.5 };

    Metrics() = default;
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    void recordRequest(const QString& route, const QByteArray& method, int status, double seconds);

    // Sets gauge `name` (with `labels`, if any) to `value`, registering it with `help` the first
    // time. Returns false, changing nothing, for a name or label that Prometheus would reject,
    // or a name the HTTP metrics already use.
    bool setGauge(const QString& name, const QString& help, double value, const Labels& labels = {});
    // Adds `seconds` to histogram `name` (without labels, DurationBuckets), registering it with
    // `help` the first time. Returns false, changing nothing, for a name Prometheus would reject
    // or one a gauge or the HTTP metrics already use.
    bool observe(const QString& name, const QString& help, double seconds);
    // Drops one series of a gauge (the gauge stays registered).
    void removeGauge(const QString& name, const Labels& labels = {});

    // The number of requests recorded for this route, method and status (tests, diagnostics).
    std::int64_t requestCount(const QString& route, const QByteArray& method, int status) const;

    QByteArray exposition() const;

    static QByteArray contentType();

private:
    struct Histogram
    {
        std::array<std::int64_t, DurationBuckets.size()> buckets{};
        std::int64_t count = 0;
        double sum = 0.0;
        void add(double seconds);
    };
    struct NamedHistogram
    {
        QString help;
        Histogram values;
    };
    struct Gauge
    {
        QString help;
        std::map<QString, double> series; // rendered label set -> value
    };

    mutable QMutex m_mutex;
    // (route, method, status) -> count; ordered so the output is stable.
    std::map<std::tuple<QString, QByteArray, int>, std::int64_t> m_requests;
    std::map<QString, Histogram> m_durations;
    std::map<QString, Gauge> m_gauges;
    std::map<QString, NamedHistogram> m_histograms;
};

} // namespace Elevate::Server
