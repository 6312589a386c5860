#pragma once

#include <QLoggingCategory>

// One Qt logging category per part of the engine (qDebug output, QT_LOGGING_RULES). Not the
// connection log operators read: that is observe/connectionlog.h.
Q_DECLARE_LOGGING_CATEGORY(lcEngine)
Q_DECLARE_LOGGING_CATEGORY(lcSse)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
Q_DECLARE_LOGGING_CATEGORY(lcRedis)
