#pragma once

#include "snapshot.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace ssehub {

class NodesModel;

// Cluster mode: the instances registered in Redis, or a note that the mode is off.
class ClusterView : public QWidget
{
    Q_OBJECT

public:
    explicit ClusterView(NodesModel *model, QWidget *parent = nullptr);

    void applySnapshot(const ConsoleSnapshot &s);

private:
    QLabel *m_note = nullptr;
};

} // namespace ssehub
