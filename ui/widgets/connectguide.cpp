#include "connectguide.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace ssehub {

namespace {

// The demo page's topics: what a first client sees there too.
const char *const demoFilter = "demo/%23"; // demo/# in a URL
const char *const demoTopic = "demo/hello";

} // namespace

ConnectGuide::ConnectGuide(QWidget *parent)
    : QGroupBox(tr("Connect a first client"), parent)
{
    setObjectName(QStringLiteral("connectGuide"));
    auto *grid = new QGridLayout(this);
    m_intro = new QLabel(this);
    m_intro->setObjectName(QStringLiteral("connectGuideIntro"));
    m_intro->setWordWrap(true);
    m_intro->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(m_intro, 0, 0, 1, 3);
    m_eventSource = addLine(tr("In a web page:"), QStringLiteral("guideEventSource"));
    m_subscribe = addLine(tr("Subscribe from a shell:"), QStringLiteral("guideSubscribe"));
    m_publish = addLine(tr("Publish an event:"), QStringLiteral("guidePublish"));
    auto *demo = new QPushButton(tr("Open the demo page"), this);
    demo->setObjectName(QStringLiteral("guideDemoButton"));
    demo->setToolTip(tr("A page served by this hub that subscribes and publishes"));
    connect(demo, &QPushButton::clicked, this, &ConnectGuide::demoPageRequested);
    grid->addWidget(demo, grid->rowCount(), 0, 1, 1, Qt::AlignLeft);
    grid->setColumnStretch(1, 1);
    hide();
}

QLineEdit *ConnectGuide::addLine(const QString &label, const QString &name)
{
    auto *grid = static_cast<QGridLayout *>(layout());
    const int row = grid->rowCount();
    auto *line = new QLineEdit(this);
    line->setObjectName(name);
    line->setReadOnly(true);
    line->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    line->setCursorPosition(0);
    auto *copy = new QPushButton(tr("Copy"), this);
    copy->setObjectName(name + QStringLiteral("Copy"));
    connect(copy, &QPushButton::clicked, this,
            [line] { QGuiApplication::clipboard()->setText(line->text()); });
    auto *caption = new QLabel(label, this);
    caption->setBuddy(line);
    grid->addWidget(caption, row, 0);
    grid->addWidget(line, row, 1);
    grid->addWidget(copy, row, 2);
    return line;
}

void ConnectGuide::setServer(const QString &url)
{
    if (url == m_server)
        return;
    m_server = url;
    m_intro->setText(tr("No client is connected yet. Clients subscribe with Server-Sent Events "
                        "at %1/events and publish with POST %1/publish:")
                         .arg(url));
    for (auto [line, text] :
         {std::pair {m_eventSource, eventSourceLine()}, std::pair {m_subscribe, subscribeLine()},
          std::pair {m_publish, publishLine()}}) {
        line->setText(text);
        line->setCursorPosition(0);
        line->setToolTip(text);
    }
}

QString ConnectGuide::eventSourceLine() const
{
    return QStringLiteral("new EventSource(\"%1/events?topic=%2\")")
        .arg(m_server, QLatin1String(demoFilter));
}

QString ConnectGuide::subscribeLine() const
{
    return QStringLiteral("curl -N '%1/events?topic=%2'").arg(m_server, QLatin1String(demoFilter));
}

QString ConnectGuide::publishLine() const
{
    return QStringLiteral("curl -H 'Content-Type: application/json' -d '{\"topic\": \"%2\", "
                          "\"payload\": {\"n\": 1}}' %1/publish")
        .arg(m_server, QLatin1String(demoTopic));
}

} // namespace ssehub
