#include "http/responder.h"

#include "http/statusreasons.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringBuilder>

namespace ssehub::http {

QByteArray serialize(const Answer &answer)
{
    QByteArray out;
    out.reserve(answer.body.size() + 256);
    out += statusLine(answer.status);
    if (!answer.contentType.isEmpty())
        out += "Content-Type: " + answer.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(answer.body.size()) + "\r\n";
    out += answer.headers;
    if (answer.close)
        out += "Connection: close\r\n";
    out += "\r\n";
    if (!answer.headOnly)
        out += answer.body;
    return out;
}

QByteArray errorBody(const QString &message)
{
    return QJsonDocument(QJsonObject {{QStringLiteral("error"), message}})
        .toJson(QJsonDocument::Compact);
}

QList<AnswerOrder::Ready> AnswerOrder::submit(quint64 number, const QByteArray &bytes, bool close)
{
    if (number != m_sent + 1) {
        m_held.insert(number, {bytes, close}); // an earlier answer is pending
        return {};
    }
    QList<Ready> ready {{bytes, close}};
    ++m_sent;
    // Answers that were waiting for this one.
    while (!m_held.isEmpty() && m_held.firstKey() == m_sent + 1) {
        ready.append(m_held.take(m_sent + 1));
        ++m_sent;
    }
    return ready;
}

} // namespace ssehub::http
