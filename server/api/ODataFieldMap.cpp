#include "ODataFieldMap.h"

namespace Elevate::Server {

namespace {

QString firstSegment(const QString& path)
{
    return path.section(u'/', 0, 0);
}

} // namespace

FilterOperators ODataFieldMap::defaultOperators(FieldType type)
{
    const FilterOperators ordered = FilterOperator::Eq | FilterOperator::Ne | FilterOperator::Gt | FilterOperator::Ge
        | FilterOperator::Lt | FilterOperator::Le | FilterOperator::In;
    switch (type) {
    case FieldType::String:
        return ordered | FilterOperator::StartsWith;
    case FieldType::EnumString:
        // Case-insensitive ordering would differ between databases; enums only need equality.
        return FilterOperator::Eq | FilterOperator::Ne | FilterOperator::In;
    case FieldType::DateTime:
    case FieldType::Int:
        return ordered;
    case FieldType::Bool:
        return FilterOperator::Eq | FilterOperator::Ne;
    }
    return {};
}

ODataFieldMap& ODataFieldMap::addField(const QString& path, const QString& column, FieldType type)
{
    return addField(path, column, type, defaultOperators(type));
}

ODataFieldMap&
ODataFieldMap::addField(const QString& path, const QString& column, FieldType type, FilterOperators operators)
{
    Q_ASSERT_X(!column.contains(u'?'), "ODataFieldMap::addField", "column expressions take no placeholders");
    m_fields.insert(path, FieldMapping{ column, type, operators & defaultOperators(type) });
    return *this;
}

ODataFieldMap&
ODataFieldMap::addCollection(const QString& path, const QString& existsTemplate, const ODataFieldMap& element)
{
    Q_ASSERT_X(existsTemplate.contains(QLatin1String("%1")) && !existsTemplate.contains(u'?'),
               "ODataFieldMap::addCollection",
               "the template needs %1 and takes no placeholders");
    m_collections.insert(path, std::make_shared<const CollectionMapping>(CollectionMapping{ existsTemplate, element }));
    return *this;
}

ODataFieldMap& ODataFieldMap::addSelectable(const QString& property)
{
    m_selectable.insert(property);
    return *this;
}

const FieldMapping* ODataFieldMap::field(const QString& path) const
{
    const auto it = m_fields.constFind(path);
    return it == m_fields.cend() ? nullptr : &it.value();
}

const CollectionMapping* ODataFieldMap::collection(const QString& path) const
{
    const auto it = m_collections.constFind(path);
    return it == m_collections.cend() ? nullptr : it.value().get();
}

bool ODataFieldMap::isSelectable(const QString& property) const
{
    if (m_selectable.contains(property)) {
        return true;
    }
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        if (firstSegment(it.key()) == property) {
            return true;
        }
    }
    for (auto it = m_collections.cbegin(); it != m_collections.cend(); ++it) {
        if (firstSegment(it.key()) == property) {
            return true;
        }
    }
    return false;
}

} // namespace Elevate::Server
