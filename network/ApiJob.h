#pragma once

#include "ApiResult.h"
#include "RetryPolicy.h"

#include <QElapsedTimer>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <chrono>
#include <utility>

class QNetworkAccessManager;
class QTimer;

namespace Elevate {

// What one HTTP call sends. Headers may carry a bearer token: they are never logged.
struct ApiRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    QUrl url;
    QByteArray body;
    QByteArray contentType;                 // set when body is not empty
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray idempotencyKey;              // sent as Idempotency-Key; lets RetryPolicy re-send a POST
    // False: a 2xx body is handed over as bytes only (ApiResult::json stays null) for a caller
    // that decodes it itself, e.g. off the UI thread; a malformed body is then its to report.
    bool parseBody = true;
    std::chrono::milliseconds transferTimeout{30'000};
};

// One HTTP call with its retries (Nextcloud's AbstractNetworkJob shape, STYLE.md "Network").
// start() sends; exactly one finished(result) follows, also for cancel() and timeouts, unless
// the job is destroyed first (the destructor cancels silently). Redirects are followed only to
// the same host over https (http on loopback), at most three hops. TLS errors fail the call:
// they are never ignored. Lives on the thread of its QNetworkAccessManager, which must outlive it.
class ApiJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiJob)

public:
    ApiJob(QNetworkAccessManager& nam, ApiRequest request, RetryPolicy policy = RetryPolicy(),
           QObject* parent = nullptr);
    ~ApiJob() override;

    void start();
    // Aborts the transfer or the wait before a retry; finished() reports Canceled.
    void cancel();
    bool isRunning() const { return m_running; }
    const ApiRequest& request() const { return m_request; }

signals:
    void finished(const Elevate::ApiResult& result);

private:
    void sendAttempt();
    void onReplyFinished();
    void finish(ApiResult result);

    QNetworkAccessManager& m_nam;
    ApiRequest m_request;
    RetryPolicy m_policy;
    QPointer<QNetworkReply> m_reply;
    QTimer* m_retryTimer = nullptr;
    QString m_clientRequestId;
    QElapsedTimer m_elapsed;
    int m_attempts = 0;
    bool m_running = false;
    bool m_canceled = false;
    bool m_redirectRefused = false;
};

} // namespace Elevate
