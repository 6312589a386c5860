#include "recentservers.h"

#include <QSettings>

namespace ssehub::RecentServers {

namespace {

const QString Group = QStringLiteral("servers");

} // namespace

QList<RemoteTarget> load()
{
    QSettings settings;
    QList<RemoteTarget> out;
    const int count = settings.beginReadArray(Group);
    for (int i = 0; i < count && out.size() < Capacity; ++i) {
        settings.setArrayIndex(i);
        QString error;
        RemoteTarget target;
        target.url
            = RemoteTarget::parseUrl(settings.value(QStringLiteral("url")).toString(), &error);
        if (target.url.isEmpty())
            continue;
        target.tokenFile = settings.value(QStringLiteral("tokenFile")).toString();
        target.caFile = settings.value(QStringLiteral("caFile")).toString();
        target.clientCert = settings.value(QStringLiteral("clientCert")).toString();
        target.clientKey = settings.value(QStringLiteral("clientKey")).toString();
        out << target;
    }
    settings.endArray();
    return out;
}

void remember(const RemoteTarget &target)
{
    QList<RemoteTarget> all = load();
    all.removeIf([&](const RemoteTarget &t) { return t.url == target.url; });
    all.prepend(target);
    QSettings settings;
    settings.remove(Group);
    settings.beginWriteArray(Group, int(qMin<qsizetype>(all.size(), Capacity)));
    for (int i = 0; i < all.size() && i < Capacity; ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("url"), all[i].url.toString());
        settings.setValue(QStringLiteral("tokenFile"), all[i].tokenFile);
        settings.setValue(QStringLiteral("caFile"), all[i].caFile);
        settings.setValue(QStringLiteral("clientCert"), all[i].clientCert);
        settings.setValue(QStringLiteral("clientKey"), all[i].clientKey);
    }
    settings.endArray();
}

} // namespace ssehub::RecentServers
