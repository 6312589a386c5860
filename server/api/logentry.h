#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringView>

namespace ssehub {

// What happened to a connection, kept for the console, the export and the operator's log.
struct LogEntry
{
    enum class Kind {
        Connect,
        Disconnect,
        SlowConsumer,
        Kick,
        Subscribe,
        Unsubscribe,
        Transition,
        AuthFailure,
        Broker, // not a connection's: Redis was unreachable (reason, detail: from, to, refused)
        Engine // the engine started, began to stop or stopped (reason), and who asked (detail)
    };
    static constexpr int KindCount = int(Kind::Engine) + 1;

    // Bounds of the text fields in UTF-8 bytes; longer text is cut and ends with a marker that
    // says how much was left out ("... (+N bytes)", for lists "... (+N more)").
    static constexpr qsizetype MaxFieldBytes = 512; // client_id, remote, user_agent, reason
    static constexpr qsizetype MaxDetailBytes = 2048;

    qint64 time = 0; // ms since the epoch
    quint64 seq = 0; // its number in the engine's log since the start (from 1); 0: not logged yet
    QString node; // the node that logged it: set when a console merges nodes
    Kind kind = Kind::Connect;
    quint64 count = 1; // occurrences this entry stands for (coalesced auth failures)
    quint64 connectionId = 0;
    QString clientId;
    QString remoteAddress;
    QString userAgent;
    QString reason;
    QString detail;

    static QString kindName(Kind kind);
    static bool kindFromName(QStringView name, Kind *kind);
    QJsonObject toJson() const;
    // Cuts every text field to its bound.
    void bound();
    // Approximate memory the entry holds, for the log's byte bound.
    qsizetype bytes() const;
    // `text` cut to at most maxBytes of UTF-8 (at a character boundary) with "... (+N bytes)".
    static QString clipped(const QString &text, qsizetype maxBytes);
    // The items joined by spaces, as many as fit in maxBytes, then "... (+N more)".
    static QString listText(const QList<QByteArray> &items, qsizetype maxBytes = MaxDetailBytes);
    // The address part of "address:port", "[v6]:port" or an address alone.
    static QString hostOf(const QString &remote);
};

} // namespace ssehub
