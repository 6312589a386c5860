#pragma once

#include "engineconfig.h"

#include <QDialog>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QSpinBox;
QT_END_NAMESPACE

namespace ssehub {

// Settings > the engine's main options. Accepting validates them; the window then stores them
// and restarts the engine.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(const EngineConfig &config, QWidget *parent = nullptr);

    // The edited configuration (valid once accepted).
    EngineConfig config() const { return m_config; }
    // Checks the fields and fills config; an empty string when they are valid.
    QString apply(EngineConfig *config) const;

public Q_SLOTS:
    void accept() override;

private:
    QLineEdit *fileField(const QString &name, const QString &value);

    EngineConfig m_config;
    QLineEdit *m_address;
    QSpinBox *m_port;
    QSpinBox *m_heartbeat;
    QSpinBox *m_history;
    QSpinBox *m_queue;
    QLineEdit *m_redis;
    QLineEdit *m_secret;
    QLineEdit *m_acl;
    QLabel *m_problem;
};

} // namespace ssehub
