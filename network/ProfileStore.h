#pragma once

#include "Profile.h"

#include <QString>

#include <memory>
#include <optional>

class QSettings;

namespace Elevate {

// The profiles and the current one, in QSettings (INI) in the user's config folder
// ($XDG_CONFIG_HOME/Elevate/profiles.conf). Only what a profile is: never a token, which lives
// in TokenStore. Not thread-safe; one per process is enough.
class ProfileStore final
{
public:
    // The default location in the user's config folder.
    ProfileStore();
    // A given INI file (tests).
    explicit ProfileStore(const QString& fileName);
    ~ProfileStore();
    ProfileStore(const ProfileStore&) = delete;
    ProfileStore& operator=(const ProfileStore&) = delete;

    QString fileName() const;
    QList<Profile> profiles() const;
    std::optional<Profile> profile(const QString& name) const;
    // Adds or replaces (by name). Refuses a profile that does not validate; `error` says why.
    bool save(Profile profile, QString* error = nullptr);
    bool remove(const QString& name);

    // The profile commands use without --profile; the only one when there is one.
    QString currentName() const;
    bool setCurrent(const QString& name);

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace Elevate
