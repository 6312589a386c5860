#pragma once

#include <QUrl>

#include <functional>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QObject;
QT_END_NAMESPACE

namespace ssehub {

// Whether an ssehub answers at base: GET /healthz within 2 s, 200 with {"status": "alive"}. No
// credentials are sent, and an https server's certificate is not checked (nothing is read
// but that answer). done runs on the caller's thread while context exists.
void probeSsehub(QNetworkAccessManager *network, const QUrl &base, QObject *context,
                 std::function<void(bool isSsehub)> done);

} // namespace ssehub
