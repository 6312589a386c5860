#include "settingsdialog.h"

#include "configschema.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace ssehub {

SettingsDialog::SettingsDialog(const EngineConfig &config, QWidget *parent)
    : QDialog(parent)
    , m_config(config)
    , m_address(new QLineEdit(config.listenAddress.toString(), this))
    , m_port(new QSpinBox(this))
    , m_heartbeat(new QSpinBox(this))
    , m_history(new QSpinBox(this))
    , m_queue(new QSpinBox(this))
    , m_redis(new QLineEdit(config.redisUrl, this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    m_address->setObjectName(QStringLiteral("settingsAddress"));
    m_port->setObjectName(QStringLiteral("settingsPort"));
    m_heartbeat->setObjectName(QStringLiteral("settingsHeartbeat"));
    m_history->setObjectName(QStringLiteral("settingsHistory"));
    m_queue->setObjectName(QStringLiteral("settingsQueue"));
    m_redis->setObjectName(QStringLiteral("settingsRedis"));
    m_port->setRange(0, 65535);
    m_port->setValue(config.port);
    m_port->setSpecialValueText(tr("any free port"));
    m_heartbeat->setRange(1, 24 * 3600 * 1000);
    m_heartbeat->setSuffix(tr(" ms"));
    m_heartbeat->setValue(config.heartbeatMs);
    m_history->setRange(0, 10'000'000);
    m_history->setValue(int(config.historySize));
    m_queue->setRange(1, 4 * 1024 * 1024);
    m_queue->setSuffix(tr(" KiB"));
    m_queue->setValue(int(config.maxQueueBytes / 1024));
    m_redis->setPlaceholderText(tr("empty: embedded broker; redis://host:6379 for cluster mode"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b00020"));
    m_problem->setObjectName(QStringLiteral("settingsProblem"));

    auto *form = new QFormLayout(this);
    form->addRow(tr("Listen address:"), m_address);
    form->addRow(tr("Port:"), m_port);
    form->addRow(tr("Heartbeat interval:"), m_heartbeat);
    form->addRow(tr("History size (events):"), m_history);
    form->addRow(tr("Queue limit per stream:"), m_queue);
    form->addRow(tr("Redis URL:"), m_redis);
    m_secret = fileField(tr("Token secret file:"), config.jwtSecretFile);
    m_acl = fileField(tr("ACL file:"), config.aclFile);
    m_secret->setObjectName(QStringLiteral("settingsSecret"));
    m_acl->setObjectName(QStringLiteral("settingsAcl"));
    auto *note = new QLabel(tr("Applying restarts the engine: open streams are closed and "
                               "clients reconnect (and resume by Last-Event-ID)."),
                            this);
    note->setWordWrap(true);
    form->addRow(note);
    form->addRow(m_problem);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(tr("Apply and restart"), QDialogButtonBox::AcceptRole)
        ->setObjectName(QStringLiteral("settingsApply"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    form->addRow(buttons);
}

QLineEdit *SettingsDialog::fileField(const QString &label, const QString &value)
{
    auto *edit = new QLineEdit(value, this);
    edit->setPlaceholderText(tr("none"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this, edit, label] {
        const QString path = QFileDialog::getOpenFileName(this, label, edit->text());
        if (!path.isEmpty())
            edit->setText(path);
    });
    auto *row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    static_cast<QFormLayout *>(layout())->addRow(label, row);
    return edit;
}

QString SettingsDialog::apply(EngineConfig *config) const
{
    QHostAddress address;
    const QString host = m_address->text().trimmed();
    if (host == QLatin1String("localhost"))
        address = QHostAddress(QHostAddress::LocalHost);
    else if (host == QLatin1String("*"))
        address = QHostAddress(QHostAddress::Any);
    else if (!address.setAddress(host))
        return tr("Listen address: '%1' is not an IP address (e.g. 127.0.0.1, ::1 or *).")
            .arg(host);
    const QString redis = m_redis->text().trimmed();
    if (!redis.isEmpty()) {
        if (const QString error = redisUrlProblem(redis); !error.isEmpty())
            return tr("Redis URL: %1").arg(error);
    }
    for (const QLineEdit *file : {m_secret, m_acl}) {
        const QString path = file->text().trimmed();
        if (!path.isEmpty() && !QFileInfo(path).isReadable())
            return tr("%1 cannot be read.").arg(path);
    }
    config->listenAddress = address;
    config->port = quint16(m_port->value());
    config->heartbeatMs = m_heartbeat->value();
    config->historySize = m_history->value();
    config->maxQueueBytes = qint64(m_queue->value()) * 1024;
    config->redisUrl = redis;
    config->jwtSecretFile = m_secret->text().trimmed();
    config->aclFile = m_acl->text().trimmed();
    return {};
}

void SettingsDialog::accept()
{
    const QString problem = apply(&m_config);
    m_problem->setText(problem);
    if (problem.isEmpty())
        QDialog::accept();
}

} // namespace ssehub
