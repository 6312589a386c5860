#pragma once

#include "configchecks_p.h"
#include "configschema.h"

#include <span>
#include <type_traits>

// How the option table (configschema.cpp) binds a row to its EngineConfig field.
namespace ssehub::configbinding {

// A field's value as the option's value (configschema.h, OptionBinding) and back.
template<typename T> QVariant toValue(const T &value)
{
    if constexpr (std::is_same_v<T, bool> || std::is_floating_point_v<T>)
        return value;
    else if constexpr (std::is_integral_v<T>)
        return qint64(value);
    else if constexpr (std::is_same_v<T, QByteArray>)
        return QString::fromUtf8(value);
    else if constexpr (std::is_same_v<T, QList<QByteArray>>) {
        QStringList texts;
        for (const QByteArray &item : value)
            texts << QString::fromUtf8(item);
        return texts;
    } else
        return value;
}

template<typename T> T fromValue(const QVariant &value)
{
    if constexpr (std::is_same_v<T, bool>)
        return value.toBool();
    else if constexpr (std::is_floating_point_v<T>)
        return T(value.toDouble());
    else if constexpr (std::is_integral_v<T>)
        return T(value.toLongLong());
    else if constexpr (std::is_same_v<T, QByteArray>)
        return value.toString().toUtf8();
    else if constexpr (std::is_same_v<T, QList<QByteArray>>) {
        QList<QByteArray> items;
        for (const QString &text : value.toStringList())
            items << text.toUtf8();
        return items;
    } else
        return value.value<T>();
}

template<auto Member> constexpr OptionBinding field()
{
    return {[](const EngineConfig &c) { return toValue(c.*Member); },
            [](EngineConfig *c, const QVariant &v) {
                c->*Member = fromValue<std::remove_cvref_t<decltype(c->*Member)>>(v);
            }};
}

template<auto Member> constexpr OptionBinding lifecycleField()
{
    return {[](const EngineConfig &c) { return toValue(c.lifecycle.*Member); },
            [](EngineConfig *c, const QVariant &v) {
                c->lifecycle.*Member
                    = fromValue<std::remove_cvref_t<decltype(c->lifecycle.*Member)>>(v);
            }};
}

// Two fields, one option.
constexpr OptionBinding listenField()
{
    return {[](const EngineConfig &c) -> QVariant {
                return configchecks::listenText(c.listenAddress, c.port);
            },
            [](EngineConfig *c, const QVariant &v) {
                configchecks::parseListen(v.toString(), &c->listenAddress, &c->port);
            }};
}

// A cookie name is Latin-1 on the wire.
constexpr OptionBinding cookieField()
{
    return {[](const EngineConfig &c) -> QVariant { return QString::fromLatin1(c.jwtCookie); },
            [](EngineConfig *c, const QVariant &v) { c->jwtCookie = v.toString().toLatin1(); }};
}

// The second part of the option table (configclusteroptions.cpp): cluster mode.
std::span<const ConfigOption> clusterOptions();
// The third part (configaccessoptions.cpp): access, limits and TLS.
std::span<const ConfigOption> accessOptions();

} // namespace ssehub::configbinding
