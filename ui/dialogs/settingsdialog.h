#pragma once

#include "engineconfig.h"

#include <QDialog>
#include <QHash>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QLineEdit;
class QTabWidget;
QT_END_NAMESPACE

namespace ssehub {

struct ConfigOption;

// Settings > every option of the embedded engine (the option table, api/configschema.h), on
// tabs, each field with its docs/CONFIG.md help as tooltip. Values are typed as on the command
// line ("30s", "1M", lists with commas) and parsed by the same parser, so the messages are the
// command line's. Options fixed for this run by the command line or the environment
// (ConsoleSettings::source()) are shown greyed and cannot be changed here. Accepting checks
// the values and what they point at (files readable, directories writable, the port free) and
// stays open with the problem; the window then restarts the engine and saves the changes to the
// config file.
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
    struct Field
    {
        const ConfigOption *option = nullptr;
        QLineEdit *edit = nullptr; // or
        QCheckBox *check = nullptr;
        bool fixed = false;
    };

    QWidget *makeField(const ConfigOption &option, const EngineConfig &config, Field *field);
    // What the option's value points at can be used (files, directories, the port).
    QString checkResources(const EngineConfig &edited) const;
    void showProblem(const QString &problem, const Field *field);

    const EngineConfig m_running;
    EngineConfig m_config;
    QList<Field> m_fields;
    QTabWidget *m_pages;
    QLabel *m_problem;
};

} // namespace ssehub
