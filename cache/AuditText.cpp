#include "AuditText.h"

#include <algorithm>

namespace Elevate::Cache {

bool AuditText::isUuidValue(const QString& s)
{
    if (s.size() != 36) {
        return false;
    }
    bool nonZero = false;
    for (qsizetype i = 0; i < 36; ++i) {
        const char16_t c = s.at(i).unicode();
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != u'-') {
                return false;
            }
            continue;
        }
        const bool hex = (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
        if (!hex) {
            return false;
        }
        nonZero = nonZero || c != u'0';
    }
    return nonZero;
}

namespace {

// A tracked term once per list. Terms are the set's own strings: the same term is the same
// characters in memory, so a pointer comparison finds it.
bool sameTerm(const QStringList& list, const QString& term)
{
    return std::any_of(list.begin(), list.end(), [&](const QString& t) { return t.constData() == term.constData(); });
}

} // namespace

QStringList AuditText::tokens(const QString& text)
{
    QStringList out;
    forEachToken(text, [&out](QStringView token) { out.append(token.toString()); });
    return out;
}

void AuditText::setTrackedTerms(const QSet<QString>& terms)
{
    m_trackedTerms.clear();
    m_trackedShapes.fill(0);
    m_textMemo.clear(); // its entries list the tracked terms they hold
    m_pageText.clear();
    for (const QString& term : terms) {
        if (!term.isEmpty()) {
            m_trackedTerms.insert(term);
            m_trackedShapes[trackedShapeRow(term)] |= trackedShapeBit(term);
        }
    }
}

const QString* AuditText::trackedOf(QStringView token) const
{
    // Most words are not tracked: a bit per (length, first character) rules them out without
    // hashing them.
    if (token.isEmpty() || !(m_trackedShapes[trackedShapeRow(token)] & trackedShapeBit(token))) {
        return nullptr;
    }
    const auto hit = m_trackedTerms.constFind(QString::fromRawData(token.data(), token.size()));
    return hit == m_trackedTerms.constEnd() ? nullptr : &*hit;
}

const AuditText::NamedText& AuditText::byContent(const QString& text)
{
    auto hit = m_textMemo.constFind(text);
    if (hit == m_textMemo.constEnd()) {
        NamedText named;
        forEachToken(text, [&](QStringView token) {
            if (!named.joined.isEmpty()) {
                named.joined += u' ';
            }
            named.joined += token;
            if (const QString* term = trackedOf(token); term && !sameTerm(named.tracked, *term)) {
                named.tracked.append(*term);
            }
        });
        hit = m_textMemo.insert(text, named);
    }
    return *hit;
}

void AuditText::append(const AuditEvent& e, QString* out, QStringList* tracked)
{
    // Bounded, and emptied only here: while an event is built the memo may rehash (which moves
    // its entries, not their strings' characters) but frees nothing.
    if (m_textMemo.size() > MaxMemo) {
        m_textMemo.clear();
    }
    // A name that appears twice in one event (the user who is also the target) is indexed
    // once: the FTS index keeps neither positions nor counts. Equal names share one string, so
    // the characters' address tells them apart; the memos keep those alive for the whole event.
    std::array<const QChar*, 12> seen{};
    std::size_t seenCount = 0;
    const auto track = [&](const QString& term) {
        if (!sameTerm(*tracked, term)) {
            tracked->append(term);
        }
    };
    const auto named = [&](const QString& text) {
        if (text.isEmpty()) {
            return;
        }
        // Used before the next insert into either memo (which may move it).
        const NamedText* part = nullptr;
        if (m_inPage) {
            const StringIdentity identity(0, {&text});
            auto hit = m_pageText.constFind(identity);
            if (hit == m_pageText.constEnd()) {
                hit = m_pageText.insert(identity, byContent(text));
            }
            part = &*hit;
        } else {
            part = &byContent(text);
        }
        const QString& joined = part->joined;
        const QChar* const characters = joined.constData();
        const auto seenEnd = seen.begin() + seenCount;
        if (joined.isEmpty() || std::find(seen.begin(), seenEnd, characters) != seenEnd) {
            return;
        }
        if (!out->isEmpty()) {
            *out += u' ';
        }
        *out += joined;
        if (seenCount < seen.size()) {
            seen[seenCount++] = characters;
        }
        if (tracked) {
            for (const QString& term : part->tracked) {
                track(term);
            }
        }
    };
    named(e.activityDisplayName);
    if (e.initiatedByUser) {
        named(e.initiatedByUser->displayName);
        named(e.initiatedByUser->userPrincipalName);
    }
    if (e.initiatedByApp) {
        named(e.initiatedByApp->displayName);
    }
    for (const auto& t : e.targetResources) {
        named(t.displayName);
        named(t.userPrincipalName);
    }
    // Free text: tokenised each time. Detail values such as a ticket number are searchable;
    // GUIDs only bloat the index.
    const auto words = [&](const QString& text) {
        forEachToken(text, [&](QStringView token) {
            if (!out->isEmpty()) {
                *out += u' ';
            }
            *out += token;
            if (tracked && !m_trackedTerms.isEmpty()) {
                if (const QString* term = trackedOf(token)) {
                    track(*term);
                }
            }
        });
    };
    words(e.resultReason);
    for (const auto& kv : e.additionalDetails) {
        if (!isUuidValue(kv.value)) {
            words(kv.value);
        }
    }
}

} // namespace Elevate::Cache
