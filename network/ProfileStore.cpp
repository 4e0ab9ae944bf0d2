#include "ProfileStore.h"

#include <QSettings>
#include <QUuid>

namespace Elevate {

namespace {

QString kindName(Profile::Kind kind)
{
    return kind == Profile::Kind::Entra ? QStringLiteral("entra") : QStringLiteral("elevated");
}

} // namespace

ProfileStore::ProfileStore()
    : m_settings(std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("Elevate"),
                                             QStringLiteral("profiles")))
{
}

ProfileStore::ProfileStore(const QString& fileName)
    : m_settings(std::make_unique<QSettings>(fileName, QSettings::IniFormat))
{
}

ProfileStore::~ProfileStore() = default;

QString ProfileStore::fileName() const
{
    return m_settings->fileName();
}

QList<Profile> ProfileStore::profiles() const
{
    QList<Profile> out;
    m_settings->beginGroup(QStringLiteral("profiles"));
    const QStringList names = m_settings->childGroups();
    m_settings->endGroup();
    for (const QString& name : names) {
        if (std::optional<Profile> p = profile(name)) {
            out << *p;
        }
    }
    std::sort(out.begin(), out.end(), [](const Profile& a, const Profile& b) { return a.name < b.name; });
    return out;
}

std::optional<Profile> ProfileStore::profile(const QString& name) const
{
    if (!Profile::isValidName(name)) {
        return std::nullopt;
    }
    m_settings->beginGroup(QStringLiteral("profiles/") + name);
    const bool exists = m_settings->contains(QStringLiteral("kind"));
    Profile p;
    p.name = name;
    p.id = m_settings->value(QStringLiteral("id")).toString();
    p.kind = m_settings->value(QStringLiteral("kind")).toString() == u"entra" ? Profile::Kind::Entra
                                                                             : Profile::Kind::Elevated;
    p.authority = QUrl(m_settings->value(QStringLiteral("authority")).toString());
    p.graph = QUrl(m_settings->value(QStringLiteral("graph")).toString());
    p.tenant = m_settings->value(QStringLiteral("tenant")).toString();
    p.clientId = m_settings->value(QStringLiteral("clientId")).toString();
    p.scopes = m_settings->value(QStringLiteral("scopes")).toString().split(u' ', Qt::SkipEmptyParts);
    p.cloud = m_settings->value(QStringLiteral("cloud")).toString();
    m_settings->endGroup();
    if (!exists) {
        return std::nullopt;
    }
    return p;
}

bool ProfileStore::save(Profile p, QString* error)
{
    const QString problem = p.validate();
    if (!problem.isEmpty()) {
        if (error) {
            *error = problem;
        }
        return false;
    }
    if (p.id.isEmpty()) {
        const std::optional<Profile> existing = profile(p.name);
        p.id = existing && !existing->id.isEmpty() ? existing->id : QUuid::createUuid().toString(QUuid::WithoutBraces);
    }
    m_settings->beginGroup(QStringLiteral("profiles/") + p.name);
    m_settings->setValue(QStringLiteral("id"), p.id);
    m_settings->setValue(QStringLiteral("kind"), kindName(p.kind));
    m_settings->setValue(QStringLiteral("authority"), p.authority.toString());
    m_settings->setValue(QStringLiteral("graph"), p.graph.toString());
    m_settings->setValue(QStringLiteral("tenant"), p.tenant);
    m_settings->setValue(QStringLiteral("clientId"), p.clientId);
    m_settings->setValue(QStringLiteral("scopes"), p.scopes.join(u' '));
    m_settings->setValue(QStringLiteral("cloud"), p.cloud);
    m_settings->endGroup();
    const QString current = m_settings->value(QStringLiteral("current")).toString();
    if (current.isEmpty() || !profile(current)) {
        m_settings->setValue(QStringLiteral("current"), p.name);
    }
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError) {
        if (error) {
            *error = QStringLiteral("Could not write %1.").arg(m_settings->fileName());
        }
        return false;
    }
    return true;
}

bool ProfileStore::remove(const QString& name)
{
    if (!profile(name)) {
        return false;
    }
    m_settings->remove(QStringLiteral("profiles/") + name);
    if (m_settings->value(QStringLiteral("current")).toString() == name) {
        const QList<Profile> left = profiles();
        if (left.isEmpty()) {
            m_settings->remove(QStringLiteral("current"));
        } else {
            m_settings->setValue(QStringLiteral("current"), left.first().name);
        }
    }
    m_settings->sync();
    return true;
}

QString ProfileStore::currentName() const
{
    const QString current = m_settings->value(QStringLiteral("current")).toString();
    if (!current.isEmpty() && profile(current)) {
        return current;
    }
    const QList<Profile> all = profiles();
    return all.size() == 1 ? all.first().name : QString();
}

bool ProfileStore::setCurrent(const QString& name)
{
    if (!profile(name)) {
        return false;
    }
    m_settings->setValue(QStringLiteral("current"), name);
    m_settings->sync();
    return true;
}

} // namespace Elevate
