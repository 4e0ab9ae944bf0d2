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
    Histogram& histogram = m_durations[route];
    for (std::size_t i = 0; i < DurationBuckets.size(); ++i) {
        if (seconds <= DurationBuckets.at(i)) {
            ++histogram.buckets.at(i);
        }
    }
    ++histogram.count;
    histogram.sum += seconds;
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
        const QByteArray routeLabel = "route=\"" + escapeLabelValue(route) + '"';
        for (std::size_t i = 0; i < DurationBuckets.size(); ++i) {
            out.append(RequestDuration)
                .append("_bucket{")
                .append(routeLabel)
                .append(",le=\"")
                .append(number(DurationBuckets.at(i)))
                .append("\"} ")
                .append(QByteArray::number(histogram.buckets.at(i)))
                .append('\n');
        }
        out.append(RequestDuration)
            .append("_bucket{")
            .append(routeLabel)
            .append(",le=\"+Inf\"} ")
            .append(QByteArray::number(histogram.count))
            .append('\n');
        out.append(RequestDuration)
            .append("_sum{")
            .append(routeLabel)
            .append("} ")
            .append(number(histogram.sum))
            .append('\n');
        out.append(RequestDuration)
            .append("_count{")
            .append(routeLabel)
            .append("} ")
            .append(QByteArray::number(histogram.count))
            .append('\n');
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
