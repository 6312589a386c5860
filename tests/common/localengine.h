#pragma once

// Header only: the test executables link the engine, the support library does not.
#include "engine/engine.h"

#include <QHostAddress>
#include <QtGlobal>

#include <memory>

namespace ssehub::test {

// An engine listening on 127.0.0.1 on a free port, without a data directory; a test that cannot
// start one stops there.
inline std::unique_ptr<Engine> startLocalEngine(Engine::Config config)
{
    config.listenAddress = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    config.dataDir.clear();
    auto engine = std::make_unique<Engine>(config);
    QString error;
    if (!engine->start(&error))
        qFatal("engine did not start: %s", qPrintable(error));
    return engine;
}

} // namespace ssehub::test
