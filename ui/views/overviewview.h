#pragma once

#include "snapshot.h"

#include <QHash>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QGridLayout;
class QGroupBox;
QT_END_NAMESPACE

namespace ssehub {

class Sparkline;
class ThroughputHistory;

// The first view: the main figures, each with its trend over the last minute, the resources
// against their limits (descriptors, streams, history, queues, refusals, alarms), amber or red
// past their thresholds, and the identity sources in force with their health (the JWKS key set,
// the auth hook, tokens verified and refused). While no data comes (the server stopped, the
// link lost) every figure is "-".
class OverviewView : public QWidget
{
    Q_OBJECT

public:
    // How a resource tile is coloured.
    enum class Level { Normal, Amber, Red };

    explicit OverviewView(QWidget *parent = nullptr);

    void applySnapshot(const ConsoleSnapshot &s, const ThroughputHistory &history);
    // No live data: every figure "-" (the trends keep what was seen).
    void showNoData();
    // A tile's level (for tests): "figure." + name as its object name.
    Level level(const QString &name) const;

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Figure
    {
        QGroupBox *box = nullptr;
        QLabel *value = nullptr;
        QLabel *detail = nullptr; // resources: against what limit
        Sparkline *trend = nullptr;
        Level level = Level::Normal;
    };
    Figure &addTile(const QString &name, const QString &title, int row, int column, bool withTrend);
    void setFigure(const QString &name, const QString &text, const QString &detail = QString(),
                   Level level = Level::Normal, const QString &tip = QString());
    void applyLevel(Figure &f);
    void applyIdentity(const ConsoleSnapshot &s);
    // The identity tiles shown, left to right without gaps.
    void placeIdentityTiles(const QStringList &shown);

    QHash<QString, Figure> m_figures;
    QStringList m_identityTiles; // in their order
    QStringList m_identityShown;
    QGridLayout *m_grid = nullptr;
};

} // namespace ssehub
