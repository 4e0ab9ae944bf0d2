#pragma once

// A small synchronous HTTP client for the end-to-end tests: real sockets to a real elevated on
// 127.0.0.1, one request at a time.

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUrlQuery>

struct ApiResponse
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& [k, v] : headers) {
            if (k.compare(name, Qt::CaseInsensitive) == 0) {
                return v;
            }
        }
        return {};
    }
    QString errorCode() const { return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); }
    QString errorMessage() const
    {
        return json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    }
};

class ApiClient
{
public:
    explicit ApiClient(QUrl base)
        : m_base(std::move(base))
    {
    }

    ApiResponse send(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body = {},
                     const QString& token = {}, const QByteArray& contentType = QByteArrayLiteral("application/json"),
                     const QList<std::pair<QByteArray, QByteArray>>& extraHeaders = {})
    {
        QUrl url = m_base;
        const qsizetype q = pathAndQuery.indexOf(u'?');
        url.setPath(q < 0 ? pathAndQuery : pathAndQuery.left(q));
        if (q >= 0) {
            url.setQuery(pathAndQuery.mid(q + 1));
        }
        QNetworkRequest request(url);
        // Redirects are answers to check (the sign-in page's 302 to a loopback client), not to follow.
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        if (!token.isEmpty()) {
            request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        }
        if (!body.isEmpty()) {
            request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        }
        for (const auto& [name, value] : extraHeaders) {
            request.setRawHeader(name, value);
        }
        QNetworkReply* reply = m_nam.sendCustomRequest(request, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        loop.exec();
        ApiResponse r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.headers = reply->rawHeaderPairs();
        r.json = QJsonDocument::fromJson(r.body).object();
        reply->deleteLater();
        return r;
    }

    ApiResponse get(const QString& path, const QString& token) { return send("GET", path, {}, token); }
    ApiResponse post(const QString& path, const QJsonObject& body, const QString& token)
    {
        return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
    }
    ApiResponse patch(const QString& path, const QJsonObject& body, const QString& token)
    {
        return send("PATCH", path, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
    }
    ApiResponse form(const QString& path, const QUrlQuery& fields)
    {
        return send("POST", path, fields.toString(QUrl::FullyEncoded).toUtf8(), {},
                    QByteArrayLiteral("application/x-www-form-urlencoded"));
    }

    // The device code flow, approving on the verification page as `user`. Empty on failure.
    QString signIn(const QString& user, const QString& password)
    {
        QUrlQuery start;
        start.addQueryItem(QStringLiteral("client_id"), QStringLiteral("elevate-tests"));
        start.addQueryItem(QStringLiteral("scope"), QStringLiteral("openid offline_access"));
        const ApiResponse code = form(QStringLiteral("/organizations/oauth2/v2.0/devicecode"), start);
        if (code.status != 200) {
            return {};
        }
        QUrlQuery approve;
        approve.addQueryItem(QStringLiteral("user_code"), code.json.value(QStringLiteral("user_code")).toString());
        approve.addQueryItem(QStringLiteral("username"), user);
        approve.addQueryItem(QStringLiteral("password"), password);
        approve.addQueryItem(QStringLiteral("action"), QStringLiteral("approve"));
        if (form(QStringLiteral("/organizations/oauth2/v2.0/deviceauth"), approve).status != 200) {
            return {};
        }
        QUrlQuery poll;
        poll.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code"));
        poll.addQueryItem(QStringLiteral("client_id"), QStringLiteral("elevate-tests"));
        poll.addQueryItem(QStringLiteral("device_code"), code.json.value(QStringLiteral("device_code")).toString());
        const ApiResponse token = form(QStringLiteral("/organizations/oauth2/v2.0/token"), poll);
        return token.json.value(QStringLiteral("access_token")).toString();
    }

private:
    QUrl m_base;
    QNetworkAccessManager m_nam;
};
