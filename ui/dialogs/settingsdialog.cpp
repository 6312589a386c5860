#include "settingsdialog.h"

#include "configschema.h"
#include "consolesettings.h"
#include "statecolors.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QTabWidget>
#include <QTcpServer>
#include <QVBoxLayout>

#include <algorithm>

namespace ssehub {

namespace {

// Options whose FILE the engine writes rather than reads.
bool isOutputFile(const ConfigOption &option)
{
    return qstrcmp(option.name, "log-file") == 0 || qstrcmp(option.name, "export-log") == 0;
}

bool isPath(const ConfigOption &option)
{
    return option.valueName
        && (qstrcmp(option.valueName, "FILE") == 0 || qstrcmp(option.valueName, "DIR") == 0);
}

// A value as the field shows it: as the command line and the config file write it.
QString fieldText(const ConfigOption &option, const QVariant &value)
{
    switch (option.type) {
    case OptionType::List:
        return value.toStringList().join(QStringLiteral(", "));
    case OptionType::Count:
        return value.typeId() == QMetaType::Double ? QString::number(value.toDouble(), 'g', 15)
                                                   : QString::number(value.toLongLong());
    case OptionType::Flag:
        return {};
    case OptionType::Duration:
    case OptionType::Size:
        return optionJson(option, value).toString();
    case OptionType::Address:
    case OptionType::Text:
        break;
    }
    return value.toString(); // a Redis password too: the operator's own window
}

// Whether a file (or directory) at path can be made or written: it exists and is writable, or
// the first path above it that exists is a writable directory.
bool writable(const QString &path)
{
    QFileInfo info(path);
    if (info.exists())
        return info.isWritable();
    QString above = info.absolutePath();
    while (!QFileInfo::exists(above) && above != QFileInfo(above).absolutePath())
        above = QFileInfo(above).absolutePath();
    const QFileInfo existing(above);
    return existing.isDir() && existing.isWritable();
}

} // namespace

SettingsDialog::SettingsDialog(const EngineConfig &config, QWidget *parent)
    : QDialog(parent)
    , m_running(config)
    , m_config(config)
    , m_pages(new QTabWidget(this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    m_pages->setObjectName(QStringLiteral("settingsPages"));
    const ConsoleSettings::Source &source = ConsoleSettings::source();

    const std::pair<SettingsPage, QString> pages[] = {
        {SettingsPage::Network, tr("Network")},         {SettingsPage::Streams, tr("Streams")},
        {SettingsPage::Limits, tr("Limits")},           {SettingsPage::Access, tr("Access")},
        {SettingsPage::Storage, tr("Storage and log")}, {SettingsPage::Cluster, tr("Cluster")},
    };
    int tallestPage = 0; // what the tallest page needs beyond its scroll area's own hint
    for (const auto &[page, title] : pages) {
        auto *content = new QWidget;
        auto *form = new QFormLayout(content);
        form->setRowWrapPolicy(QFormLayout::WrapLongRows);
        form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
        for (const ConfigOption &option : configOptions()) {
            if (option.settingsPage != page || option.scope != OptionScope::Engine)
                continue;
            Field field;
            field.option = &option;
            field.fixed = source.fixed.contains(QLatin1String(option.name));
            QWidget *widget = makeField(option, config, &field);
            const QString label = option.type == OptionType::Flag
                ? QString()
                : QCoreApplication::translate("ssehub::SettingsDialog", option.settingsLabel);
            form->addRow(label, widget);
            if (auto *labelWidget = qobject_cast<QLabel *>(form->labelForField(widget)))
                labelWidget->setToolTip(widget->toolTip());
            m_fields.append(field);
        }
        auto *scroll = new QScrollArea;
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(content);
        m_pages->addTab(scroll, title);
        tallestPage = qMax(tallestPage, content->sizeHint().height() - scroll->sizeHint().height());
    }

    auto *where = new QLabel(this);
    where->setObjectName(QStringLiteral("settingsSource"));
    where->setWordWrap(true);
    where->setTextFormat(Qt::PlainText);
    QString whereText = source.file.isEmpty()
        ? tr("These settings apply to this run only.")
        : tr("Saved in %1, which every start of ssehub reads (the console and headless "
             "servers alike; ssehub --print-config shows the result).")
              .arg(QDir::toNativeSeparators(source.file));
    QStringList fixed;
    for (const Field &field : std::as_const(m_fields)) {
        if (field.fixed)
            fixed << source.fixed.value(QLatin1String(field.option->name));
    }
    if (!fixed.isEmpty()) {
        std::sort(fixed.begin(), fixed.end());
        whereText += QLatin1Char(' ')
            + tr("Set on the command line or in the environment for this run, and therefore "
                 "not editable here: %1.")
                  .arg(fixed.join(QStringLiteral(", ")));
    }
    where->setText(whereText);

    auto *note = new QLabel(tr("Applying restarts the engine: open streams are closed and "
                               "clients reconnect (and resume by Last-Event-ID). Settings that "
                               "cannot be used leave the running server as it is."),
                            this);
    note->setWordWrap(true);
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setObjectName(QStringLiteral("settingsProblem"));
    m_problem->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(tr("Apply and restart"), QDialogButtonBox::AcceptRole)
        ->setObjectName(QStringLiteral("settingsApply"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(where);
    layout->addWidget(m_pages, 1);
    layout->addWidget(note);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    // Tall enough for the tallest page (Access) without scrolling, where the screen has room
    // (two lines to spare: the wrapped notes above and below take what their width needs).
    if (const QScreen *screen = QGuiApplication::primaryScreen(); screen && tallestPage > 0) {
        const QSize hint = sizeHint();
        resize(hint.width(),
               qMin(hint.height() + tallestPage + 2 * fontMetrics().lineSpacing(),
                    screen->availableGeometry().height() * 4 / 5));
    }
}

QWidget *SettingsDialog::makeField(const ConfigOption &option, const EngineConfig &config,
                                   Field *field)
{
    const QString name = QLatin1String(option.name);
    const QVariant value = option.field.get(config);
    QString tip = QStringLiteral("--") + name;
    if (option.valueName)
        tip += QLatin1Char(' ') + QLatin1String(option.valueName);
    tip += QStringLiteral("\n") + QCoreApplication::translate("main", option.help);
    if (field->fixed)
        tip += QStringLiteral("\n\n")
            + tr("Set by %1 for this run; not editable here and not saved.")
                  .arg(ConsoleSettings::source().fixed.value(name));

    QWidget *input = nullptr;
    if (option.type == OptionType::Flag) {
        field->check = new QCheckBox(
            QCoreApplication::translate("ssehub::SettingsDialog", option.settingsLabel), this);
        field->check->setChecked(value.toBool());
        input = field->check;
    } else {
        field->edit = new QLineEdit(fieldText(option, value), this);
        if (option.type == OptionType::List)
            field->edit->setPlaceholderText(tr("none; several separated by commas"));
        else if (isPath(option) || option.type == OptionType::Text)
            field->edit->setPlaceholderText(tr("none"));
        input = field->edit;
    }
    input->setObjectName(QStringLiteral("setting:") + name);
    input->setToolTip(tip);
    input->setEnabled(!field->fixed);

    QWidget *extra = nullptr;
    if (field->fixed) {
        auto *origin
            = new QLabel(tr("set by %1").arg(ConsoleSettings::source().fixed.value(name)), this);
        origin->setEnabled(false);
        origin->setToolTip(tip);
        extra = origin;
    } else if (field->edit && isPath(option)) {
        auto *browse = new QPushButton(tr("Browse…"), this);
        QLineEdit *edit = field->edit;
        const QString title
            = QCoreApplication::translate("ssehub::SettingsDialog", option.settingsLabel);
        const bool directory = qstrcmp(option.valueName, "DIR") == 0;
        const bool output = isOutputFile(option);
        connect(browse, &QPushButton::clicked, this, [this, edit, title, directory, output] {
            const QString path = directory
                ? QFileDialog::getExistingDirectory(this, title, edit->text())
                : output ? QFileDialog::getSaveFileName(this, title, edit->text(), QString(),
                                                        nullptr, QFileDialog::DontConfirmOverwrite)
                         : QFileDialog::getOpenFileName(this, title, edit->text());
            if (!path.isEmpty())
                edit->setText(path);
        });
        extra = browse;
    }
    if (!extra)
        return input;
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(input, 1);
    layout->addWidget(extra);
    row->setToolTip(tip);
    return row;
}

QString SettingsDialog::apply(EngineConfig *config) const
{
    EngineConfig edited = m_running;
    for (const Field &field : m_fields) {
        if (field.fixed)
            continue;
        const ConfigOption &option = *field.option;
        const QString where = QStringLiteral("--") + QLatin1String(option.name);
        QVariant value;
        QString error;
        if (field.check) {
            value = field.check->isChecked();
        } else if (option.type == OptionType::List) {
            QStringList items;
            for (const QString &item : field.edit->text().split(QLatin1Char(',')))
                if (!item.trimmed().isEmpty())
                    items << item.trimmed();
            if (!parseOptionValue(option, items, where, &value, &error))
                return error;
        } else if (!parseOptionValue(option, {field.edit->text().trimmed()}, where, &value,
                                     &error)) {
            return error;
        }
        option.field.set(&edited, value);
    }
    if (const QString problem = checkOptionCombination(edited); !problem.isEmpty())
        return problem;
    if (const QString problem = checkResources(edited); !problem.isEmpty())
        return problem;
    if (const QString problem = ConsoleSettings::fileProblem(); !problem.isEmpty())
        return tr("The settings cannot be saved: %1.").arg(problem);
    *config = edited;
    return {};
}

QString SettingsDialog::checkResources(const EngineConfig &edited) const
{
    for (const ConfigOption &option : configOptions()) {
        if (option.scope != OptionScope::Engine || !isPath(option))
            continue;
        const QString path = option.field.get(edited).toString();
        if (path.isEmpty())
            continue;
        const QString where = QStringLiteral("--") + QLatin1String(option.name);
        const QFileInfo info(path);
        if (qstrcmp(option.valueName, "DIR") == 0) {
            if ((info.exists() && !info.isDir()) || !writable(path))
                return tr("%1: the directory %2 cannot be written.").arg(where, path);
        } else if (isOutputFile(option)) {
            if (info.isDir() || !writable(path))
                return tr("%1: %2 cannot be written.").arg(where, path);
        } else if (!info.isFile() || !info.isReadable()) {
            return tr("%1: %2 cannot be read.").arg(where, path);
        }
    }
    if (edited.tlsCertFile.isEmpty() != edited.tlsKeyFile.isEmpty())
        return tr("--tls-cert and --tls-key go together: give both or neither.");
    if (!edited.tlsClientCaFile.isEmpty() && edited.tlsCertFile.isEmpty())
        return tr("--tls-client-ca needs HTTPS: give --tls-cert and --tls-key too.");
    // A new address or port: is it free? (The running server's own stays in use until the
    // restart.)
    if (edited.port != 0
        && (edited.port != m_running.port || edited.listenAddress != m_running.listenAddress)) {
        QTcpServer probe;
        if (!probe.listen(edited.listenAddress, edited.port))
            return tr("Cannot listen on %1: %2. The server keeps running with its "
                      "current settings.")
                .arg(fieldText(*findConfigOption(u"listen"),
                               findConfigOption(u"listen")->field.get(edited)),
                     probe.errorString());
    }
    return {};
}

void SettingsDialog::showProblem(const QString &problem, const Field *field)
{
    const int shownBefore = m_problem->isVisible() ? m_problem->height() : 0;
    m_problem->setText(problem);
    // The console's alert colour for the palette in use (readable on a dark one too).
    m_problem->setStyleSheet(
        QStringLiteral("color: %1").arg(StateColors::alertText(palette()).name()));
    m_problem->setVisible(!problem.isEmpty());
    if (field) {
        for (int i = 0; i < m_pages->count(); ++i) {
            QWidget *input = field->edit ? static_cast<QWidget *>(field->edit) : field->check;
            if (m_pages->widget(i)->isAncestorOf(input)) {
                m_pages->setCurrentIndex(i);
                input->setFocus();
                break;
            }
        }
    }
    // The message is never clipped: the dialog grows to show it, and so that the page keeps
    // its height, where the screen has room.
    if (!problem.isEmpty() && layout()) {
        layout()->activate();
        int wanted = layout()->hasHeightForWidth() ? layout()->heightForWidth(width())
                                                   : sizeHint().height();
        const QMargins margins = layout()->contentsMargins();
        const int shown = m_problem->heightForWidth(width() - margins.left() - margins.right())
            + layout()->spacing();
        int room = wanted;
        if (const QScreen *screen = this->screen())
            room = qMax(wanted, screen->availableGeometry().height() * 4 / 5);
        wanted = qMax(wanted, qMin(height() + shown - shownBefore, room));
        if (wanted > height())
            resize(width(), wanted);
    }
}

void SettingsDialog::accept()
{
    const QString problem = apply(&m_config);
    // The field whose option the message names, shown and focused.
    const Field *culprit = nullptr;
    for (const Field &field : std::as_const(m_fields)) {
        const QString name = QStringLiteral("--") + QLatin1String(field.option->name);
        const qsizetype at = problem.indexOf(name);
        const qsizetype end = at + name.size();
        const QChar next = end < problem.size() ? problem.at(end) : QChar();
        if (at >= 0 && !next.isLetter() && next != QLatin1Char('-')) {
            culprit = &field;
            break;
        }
    }
    showProblem(problem, culprit);
    if (problem.isEmpty())
        QDialog::accept();
}

} // namespace ssehub
