#pragma once

#include "snapshot.h"

#include <QHash>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace ssehub {

class Sparkline;
class ThroughputHistory;

// The first view: the main figures, each with its trend over the last minute.
class OverviewView : public QWidget
{
    Q_OBJECT

public:
    explicit OverviewView(QWidget *parent = nullptr);

    void applySnapshot(const ConsoleSnapshot &s, const ThroughputHistory &history);

private:
    struct Figure
    {
        QLabel *value = nullptr;
        Sparkline *trend = nullptr;
    };
    QHash<QString, Figure> m_figures;
};

} // namespace ssehub
