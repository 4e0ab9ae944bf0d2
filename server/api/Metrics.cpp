#include "Metrics.h"

#include <QMutexLocker>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace Elevate::Server {

namespace {

constexpr auto RequestsTotal = "elevated_http_requests_total";
constexpr auto RequestDuration = "elevated_http_request_duration_seconds";

bool isMetricName(const QString& name)
{
    if (name.isEmpty()) {
        return false;
    }
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        const bool letter = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_' || c == u':';
        const bool digit = c >= u'0' && c <= u'9';
        if (!letter && !(digit && i > 0)) {
            return false;
        }
    }
    return true;
}

bool isLabelName(const QString& name)
{
    return isMetricName(name) && !name.contains(u':') && !name.startsWith(QLatin1String("__"));
}

QByteArray escapeLabelValue(const QString& value)
{
    QByteArray out;
    const QByteArray utf8 = value.toUtf8();
    out.reserve(utf8.size());
    for (const char c : utf8) {
        switch (c) {
        case '\\':
            out.append("\\\\");
            break;
        case '"':
            out.append("\\\"");
            break;
        case '\n':
            out.append("\\n");
            break;
        default:
            out.append(c);
        }
    }
    return out;
}

QByteArray escapeHelp(const QString& help)
{
    QByteArray out = help.toUtf8();
    out.replace("\\", "\\\\");
    out.replace("\n", "\\n");
    return out;
}

QByteArray number(double value)
{
    if (std::isnan(value)) {
        return QByteArrayLiteral("NaN");
    }
    if (std::isinf(value)) {
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    }
    return QByteArray::number(value, 'g', 15);
}

// Labels in name order, so the same set given in another order is the same series.
QString renderLabels(Metrics::Labels labels)
{
    if (labels.isEmpty()) {
        return {};
    }
    std::sort(labels.begin(), labels.end());
    QByteArray out("{");
    for (qsizetype i = 0; i < labels.size(); ++i) {
        if (i > 0) {
            out.append(',');
        }
        out.append(labels.at(i).first.toUtf8());
        out.append("=\"");
        out.append(escapeLabelValue(labels.at(i).second));
        out.append('"');
    }
    out.append('}');
    return QString::fromUtf8(out);
}

void appendHeader(QByteArray& out, const QByteArray& name, const QByteArray& help, const char* type)
{
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
}

// One histogram's series: `labels` is empty or "name=\"value\"" pairs without braces.
template <typename Buckets>
void appendHistogram(QByteArray& out, const QByteArray& name, const QByteArray& labels, const Buckets& buckets,
                     std::int64_t count, double sum)
{
    const QByteArray separator = labels.isEmpty() ? QByteArray() : QByteArrayLiteral(",");
    for (std::size_t i = 0; i < Metrics::DurationBuckets.size(); ++i) {
        out.append(name)
            .append("_bucket{")
            .append(labels)
            .append(separator)
            .append("le=\"")
            .append(number(Metrics::DurationBuckets.at(i)))
            .append("\"} ")
            .append(QByteArray::number(buckets.at(i)))
            .append('\n');
    }
    out.append(name).append("_bucket{").append(labels).append(separator).append("le=\"+Inf\"} ");
    out.append(QByteArray::number(count)).append('\n');
    const QByteArray braced = labels.isEmpty() ? QByteArray() : '{' + labels + '}';
    out.append(name).append("_sum").append(braced).append(' ').append(number(sum)).append('\n');
    out.append(name).append("_count").append(braced).append(' ').append(QByteArray::number(count)).append('\n');
}

} // namespace

QByteArray Metrics::contentType()
{
    return QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

void Metrics::recordRequest(const QString& route, const QByteArray& method, int status, double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0) {
        seconds = 0;
    }
    QMutexLocker lock(&m_mutex);
    ++m_requests[std::make_tuple(route, method, status)];
    m_durations[route].add(seconds);
}

void Metrics::Histogram::add(double seconds)
{
    for (std::size_t i = 0; i < DurationBuckets.size(); ++i) {
        if (seconds <= DurationBuckets.at(i)) {
            ++buckets.at(i);
        }
    }
    ++count;
    sum += seconds;
}

bool Metrics::observe(const QString& name, const QString& help, double seconds)
{
    if (!isMetricName(name) || name.startsWith(QLatin1String("elevated_http_request"))) {
        return false;
    }
    if (!std::isfinite(seconds) || seconds < 0) {
        seconds = 0;
    }
    QMutexLocker lock(&m_mutex);
    if (m_gauges.count(name) != 0) {
        return false;
    }
    NamedHistogram& histogram = m_histograms[name];
    histogram.help = help;
    histogram.values.add(seconds);
    return true;
}

bool Metrics::setGauge(const QString& name, const QString& help, double value, const Labels& labels)
{
    if (!isMetricName(name) || name.startsWith(QLatin1String("elevated_http_request"))) {
        return false;
    }
    for (const auto& [label, labelValue] : labels) {
        Q_UNUSED(labelValue)
        if (!isLabelName(label)) {
            return false;
        }
    }
    QMutexLocker lock(&m_mutex);
    if (m_histograms.count(name) != 0) {
        return false;
    }
    Gauge& gauge = m_gauges[name];
    gauge.help = help;
    gauge.series[renderLabels(labels)] = value;
    return true;
}

void Metrics::removeGauge(const QString& name, const Labels& labels)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_gauges.find(name);
    if (it != m_gauges.end()) {
        it->second.series.erase(renderLabels(labels));
    }
}

std::int64_t Metrics::requestCount(const QString& route, const QByteArray& method, int status) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_requests.find(std::make_tuple(route, method, status));
    return it == m_requests.end() ? 0 : it->second;
}

QByteArray Metrics::exposition() const
{
    QMutexLocker lock(&m_mutex);
    QByteArray out;
    out.reserve(4096);

    appendHeader(out, RequestsTotal, "HTTP requests answered, by route pattern, method and status.", "counter");
    for (const auto& [key, count] : m_requests) {
        const auto& [route, method, status] = key;
        out.append(RequestsTotal)
            .append("{route=\"")
            .append(escapeLabelValue(route))
            .append("\",method=\"")
            .append(escapeLabelValue(QString::fromLatin1(method)))
            .append("\",status=\"")
            .append(QByteArray::number(status))
            .append("\"} ")
            .append(QByteArray::number(count))
            .append('\n');
    }

    appendHeader(out, RequestDuration, "Time to answer a request, by route pattern.", "histogram");
    for (const auto& [route, histogram] : m_durations) {
        appendHistogram(out, RequestDuration, "route=\"" + escapeLabelValue(route) + '"', histogram.buckets,
                        histogram.count, histogram.sum);
    }

    for (const auto& [name, histogram] : m_histograms) {
        const QByteArray metric = name.toUtf8();
        appendHeader(out, metric, escapeHelp(histogram.help), "histogram");
        appendHistogram(out, metric, {}, histogram.values.buckets, histogram.values.count, histogram.values.sum);
    }

    for (const auto& [name, gauge] : m_gauges) {
        const QByteArray metric = name.toUtf8();
        appendHeader(out, metric, escapeHelp(gauge.help), "gauge");
        for (const auto& [labels, value] : gauge.series) {
            out.append(metric).append(labels.toUtf8()).append(' ').append(number(value)).append('\n');
        }
    }
    return out;
}

} // namespace Elevate::Server
