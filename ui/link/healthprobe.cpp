#include "healthprobe.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace ssehub {

void probeSsehub(QNetworkAccessManager *network, const QUrl &base, QObject *context,
                 std::function<void(bool)> done)
{
    QUrl url = base;
    url.setPath(QStringLiteral("/healthz"));
    QNetworkRequest request(url);
    request.setTransferTimeout(2000);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = network->get(request);
    reply->setReadBufferSize(4096);
    QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                     [reply](const QList<QSslError> &) { reply->ignoreSslErrors(); });
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject body = QJsonDocument::fromJson(reply->read(4096)).object();
        done(status == 200
             && body.value(QLatin1String("status")).toString() == QLatin1String("alive"));
    });
}

} // namespace ssehub
