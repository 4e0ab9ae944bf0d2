// The SAX audit page decoder (GraphCodec::decodeAuditPage) against the tree decoder
// (pageFromJson<AuditEvent> over parse()): the same page, field by field, for generated and
// hand-written pages, and the same refusal for malformed ones. TestCodecMalformed runs its whole
// audit page corpus through both decoders as well.
//
// decodeAuditPage reads with a hand-written reader (JsonSaxReader.h) and falls back to nlohmann's
// parser for anything it does not take: the *Readers* functions hold the two against each other,
// event by event on the raw JSON and result by result on audit pages.

#include "AuditFixtures.h"
#include "AuditPageDecoderInternal.h"
#include "GraphCodec.h"
#include "JsonSaxRecorder.h"

#include <QTest>

using namespace Elevate;

class TestAuditPageDecoder final : public QObject
{
    Q_OBJECT

private slots:
    void generatedPagesMatchTree();
    void edgeCasesMatchTree_data();
    void edgeCasesMatchTree();
    void errorsMatchTree_data();
    void errorsMatchTree();
    void limitsApply();
    void readersAgreeOnTrickyJson_data();
    void readersAgreeOnTrickyJson();
    void readersAgreeOnGeneratedPages();
    void readersAgreeOnEveryTruncationAndMutation();
    void readersAgreeOnNesting();
};

namespace {

Result<Page<AuditEvent>> viaTree(QByteArrayView bytes)
{
    Result<nlohmann::json> tree = GraphCodec::parse(bytes);
    if (!tree) {
        return tree.error();
    }
    return GraphCodec::pageFromJson<AuditEvent>(*tree);
}

// Field by field first, so that a difference names the field.
void compareEvents(const AuditEvent& sax, const AuditEvent& tree)
{
    QCOMPARE(sax.id, tree.id);
    QCOMPARE(sax.category, tree.category);
    QCOMPARE(sax.correlationId, tree.correlationId);
    QCOMPARE(sax.result, tree.result);
    QCOMPARE(sax.resultReason, tree.resultReason);
    QCOMPARE(sax.activityDisplayName, tree.activityDisplayName);
    QCOMPARE(sax.activityDateTime, tree.activityDateTime);
    QCOMPARE(sax.loggedByService, tree.loggedByService);
    QCOMPARE(sax.operationType, tree.operationType);
    QCOMPARE(sax.initiatedByUser.has_value(), tree.initiatedByUser.has_value());
    QCOMPARE(sax.initiatedByApp.has_value(), tree.initiatedByApp.has_value());
    if (sax.initiatedByUser) {
        QCOMPARE(sax.initiatedByUser->id, tree.initiatedByUser->id);
        QCOMPARE(sax.initiatedByUser->displayName, tree.initiatedByUser->displayName);
        QCOMPARE(sax.initiatedByUser->userPrincipalName, tree.initiatedByUser->userPrincipalName);
        QCOMPARE(sax.initiatedByUser->ipAddress, tree.initiatedByUser->ipAddress);
        QVERIFY(*sax.initiatedByUser == *tree.initiatedByUser);
    }
    if (sax.initiatedByApp) {
        QCOMPARE(sax.initiatedByApp->appId, tree.initiatedByApp->appId);
        QCOMPARE(sax.initiatedByApp->displayName, tree.initiatedByApp->displayName);
        QVERIFY(*sax.initiatedByApp == *tree.initiatedByApp);
    }
    QCOMPARE(sax.targetResources.size(), tree.targetResources.size());
    for (qsizetype i = 0; i < sax.targetResources.size(); ++i) {
        const AuditEvent::TargetResource& a = sax.targetResources[i];
        const AuditEvent::TargetResource& b = tree.targetResources[i];
        QCOMPARE(a.id, b.id);
        QCOMPARE(a.displayName, b.displayName);
        QCOMPARE(a.type, b.type);
        QCOMPARE(a.userPrincipalName, b.userPrincipalName);
        QCOMPARE(a.groupType, b.groupType);
        QCOMPARE(a.modifiedProperties.size(), b.modifiedProperties.size());
        QVERIFY(a.modifiedProperties == b.modifiedProperties);
    }
    QCOMPARE(sax.additionalDetails.size(), tree.additionalDetails.size());
    for (qsizetype i = 0; i < sax.additionalDetails.size(); ++i) {
        QCOMPARE(sax.additionalDetails[i].key, tree.additionalDetails[i].key);
        QCOMPARE(sax.additionalDetails[i].value, tree.additionalDetails[i].value);
    }
    QVERIFY(sax == tree);
}

void comparePages(QByteArrayView bytes)
{
    const Result<Page<AuditEvent>> sax = GraphCodec::decodeAuditPage(bytes);
    const Result<Page<AuditEvent>> tree = viaTree(bytes);
    QVERIFY2(tree.ok(), qPrintable(tree.ok() ? QString() : tree.error().toString()));
    QVERIFY2(sax.ok(), qPrintable(sax.ok() ? QString() : sax.error().toString()));
    QCOMPARE(sax->context, tree->context);
    QCOMPARE(sax->nextLink, tree->nextLink);
    QCOMPARE(sax->count, tree->count);
    QCOMPARE(sax->value.size(), tree->value.size());
    for (qsizetype i = 0; i < sax->value.size(); ++i) {
        compareEvents(sax->value[i], tree->value[i]);
        if (QTest::currentTestFailed()) {
            qWarning("event %lld differs", static_cast<long long>(i));
            return;
        }
    }
    QVERIFY(*sax == *tree);
}

QByteArray page(const QByteArray& members, const QByteArray& event)
{
    return "{" + members + "\"value\":[" + event + "]}";
}

const QByteArray Minimal = R"("id":"a1","activityDateTime":"2024-05-01T08:00:00Z")";

} // namespace

void TestAuditPageDecoder::generatedPagesMatchTree()
{
    Testing::AuditGenerator gen(7);
    const qint64 start = Timestamp::fromIso(u"2026-01-01T00:00:00Z")->ticks();
    for (int p = 0; p < 5; ++p) {
        Page<AuditEvent> page;
        page.context = QStringLiteral("https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits");
        if (p % 2 == 0) {
            page.nextLink = QStringLiteral("https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=%1").arg(p);
        }
        if (p == 1) {
            page.count = 123456789012LL;
        }
        for (int i = 0; i < 400; ++i) {
            page.value << gen.next(Timestamp::fromTicks(start - qint64(p * 400 + i) * 12345678901LL));
        }
        // Every member the shape has, and some it does not: unicode, escapes, empty strings.
        if (!page.value[0].initiatedByUser) {
            page.value[0].initiatedByUser.emplace();
        }
        page.value[0].initiatedByUser->userType = QStringLiteral("Guest");
        page.value[0].initiatedByUser->homeTenantId = QStringLiteral("t-1");
        page.value[0].initiatedByUser->homeTenantName = QStringLiteral("Fabrikam \u00e9\u4e2d\U0001F600 \"quoted\"\n\\");
        page.value[1].targetResources[0].groupType = QStringLiteral("unifiedGroups");
        page.value[1].targetResources[0].modifiedProperties
            << AuditEvent::ModifiedProperty{QStringLiteral("Role.DisplayName"), QString(), QStringLiteral("\"GA\"")}
            << AuditEvent::ModifiedProperty{QString(), QStringLiteral(""), QStringLiteral("\t")};
        page.value[2].initiatedByApp = AuditEvent::AppInitiator{QStringLiteral("a"), QStringLiteral("b"),
                                                                QStringLiteral("c"), QStringLiteral("d")};
        page.value[3].result = AuditResult::Unknown;
        const QByteArray bytes = GraphCodec::serialize(GraphCodec::toJson(page));
        comparePages(bytes);
        if (QTest::currentTestFailed()) {
            return;
        }
        // And the page decodes to what was encoded.
        const Result<Page<AuditEvent>> sax = GraphCodec::decodeAuditPage(bytes);
        QVERIFY(sax.ok());
        QVERIFY(*sax == page);
    }
}

void TestAuditPageDecoder::edgeCasesMatchTree_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::newRow("empty value") << QByteArray(R"({"value":[]})");
    QTest::newRow("nulls everywhere") << page(R"("@odata.context":null,"@odata.count":null,"@odata.nextLink":null,)",
                                              "{" + Minimal + R"(,"category":null,"result":null,"initiatedBy":null,)"
                                                  R"("targetResources":null,"additionalDetails":null})");
    QTest::newRow("null initiators") << page({}, "{" + Minimal + R"(,"initiatedBy":{"user":null,"app":null}})");
    QTest::newRow("empty initiators") << page({}, "{" + Minimal + R"(,"initiatedBy":{"user":{},"app":{}}})");
    QTest::newRow("unknown members of every kind")
        << page(R"("@odata.deltaLink":"x","extra":{"a":[1,{"b":null}],"c":true},"n":1.5,)",
                "{" + Minimal
                    + R"(,"x":[[],{}],"y":{"id":5},"initiatedBy":{"device":{"id":1},"user":{"id":"u","z":[1]}},)"
                      R"("targetResources":[{"id":"t","q":{"modifiedProperties":5},"modifiedProperties":[{"w":[]}]}],)"
                      R"("additionalDetails":[{"key":"k","value":"v","more":{}}]})");
    QTest::newRow("members given twice, last wins")
        << page(R"("@odata.count":1,"@odata.count":2,)",
                "{" + Minimal
                    + R"(,"category":"a","category":"b","initiatedBy":{"user":{"id":"u1"}},"initiatedBy":{"app":{"appId":"x"}},)"
                      R"("targetResources":[{"id":"1"}],"targetResources":[{"id":"2"},{"id":"3"}],"id":"a2"})");
    QTest::newRow("value given twice") << QByteArray(R"({"value":[{"id":"1","activityDateTime":"2024-05-01T08:00:00Z"}],)"
                                                     R"("value":[]})");
    QTest::newRow("enum spellings") << page({}, "{" + Minimal + R"(,"result":"FAILURE"},{"id":"b",)"
                                                                R"("activityDateTime":"2024-05-01T08:00:00.1234567Z","result":"futureValue"})");
    QTest::newRow("empty id") << page({}, R"({"id":"","activityDateTime":"2024-05-01T08:00:00Z"})");
    QTest::newRow("count zero and max") << QByteArray(R"({"@odata.count":9223372036854775807,"value":[]})");
    QTest::newRow("whitespace") << QByteArray(" \n{ \"value\" : [ ] , \"@odata.count\" : 0 }\n\t");
}

void TestAuditPageDecoder::edgeCasesMatchTree()
{
    QFETCH(QByteArray, document);
    comparePages(document);
}

void TestAuditPageDecoder::errorsMatchTree_data()
{
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<QString>("path");
    const auto row = [](const char* name, const QByteArray& document, const char* path) {
        QTest::newRow(name) << document << QString::fromLatin1(path);
    };
    row("root array", "[]", "/");
    row("root string", "\"x\"", "/");
    row("root null", "null", "/");
    row("value missing", R"({"@odata.count":1})", "/value");
    row("value null", R"({"value":null})", "/value");
    row("value an object", R"({"value":{"a":[1]}})", "/value");
    row("value a number", R"({"value":1})", "/value");
    row("element a number", R"({"value":[1]})", "/value/0");
    row("element null", page({}, "{" + Minimal + "},null"), "/value/1");
    row("element an array", page({}, "{" + Minimal + "},[{}]"), "/value/1");
    row("id missing", page({}, R"({"activityDateTime":"2024-05-01T08:00:00Z"})"), "/value/0/id");
    row("id null", page({}, R"({"id":null,"activityDateTime":"2024-05-01T08:00:00Z"})"), "/value/0/id");
    row("time missing", page({}, "{" + Minimal + R"(},{"id":"x"})"), "/value/1/activityDateTime");
    row("time empty", page({}, R"({"id":"x","activityDateTime":""})"), "/value/0/activityDateTime");
    row("time invalid", page({}, R"({"id":"x","activityDateTime":"yesterday"})"), "/value/0/activityDateTime");
    row("id a number", page({}, R"({"id":1,"activityDateTime":"2024-05-01T08:00:00Z"})"), "/value/0/id");
    row("result an object", page({}, "{" + Minimal + R"(,"result":{"a":1}})"), "/value/0/result");
    row("initiatedBy an array", page({}, "{" + Minimal + R"(,"initiatedBy":[]})"), "/value/0/initiatedBy");
    row("user a string", page({}, "{" + Minimal + R"(,"initiatedBy":{"user":"u"}})"), "/value/0/initiatedBy/user");
    row("app field a bool", page({}, "{" + Minimal + R"(,"initiatedBy":{"app":{"appId":true}}})"),
        "/value/0/initiatedBy/app/appId");
    row("targets an object", page({}, "{" + Minimal + R"(,"targetResources":{}})"), "/value/0/targetResources");
    row("target a string", page({}, "{" + Minimal + R"(,"targetResources":[{},"t"]})"), "/value/0/targetResources/1");
    row("modified property value a number",
        page({}, "{" + Minimal + R"(,"targetResources":[{},{"modifiedProperties":[{},{"newValue":1.5}]}]})"),
        "/value/0/targetResources/1/modifiedProperties/1/newValue");
    row("detail an array", page({}, "{" + Minimal + R"(,"additionalDetails":[[]]})"), "/value/0/additionalDetails/0");
    row("count a string", R"({"@odata.count":"1","value":[]})", "/@odata.count");
    row("count a float", R"({"@odata.count":1.0,"value":[]})", "/@odata.count");
    row("count negative", R"({"@odata.count":-1,"value":[]})", "/@odata.count");
    row("count too large", R"({"@odata.count":18446744073709551615,"value":[]})", "/@odata.count");
    row("count an array", R"({"@odata.count":[1],"value":[]})", "/@odata.count");
    row("context an object", R"({"@odata.context":{},"value":[]})", "/@odata.context");
    // The tree reader looks at the page's own members first, whatever their order.
    row("bad element before bad count", R"({"value":[1],"@odata.count":true})", "/@odata.count");
    row("bad count before bad context", R"({"@odata.count":true,"@odata.context":1,"value":[]})", "/@odata.context");
    row("bad nextLink after a bad event",
        page({}, R"({"id":1})") + R"(,{"@odata.nextLink":2})", ""); // malformed: the syntax error wins
    row("string too long", page({}, "{" + Minimal + R"(,"category":")" + QByteArray(GraphCodec::MaxStringBytes + 1, 'a') + "\"}"),
        "/value/0/category");
    row("invalid UTF-8", page({}, "{" + Minimal + ",\"category\":\"\xff\"}"), "");
    row("truncated", page({}, "{" + Minimal).chopped(1), "");
    row("trailing garbage", R"({"value":[]} x)", "");
    row("number overflow", R"({"value":[],"@odata.count":1e999})", "");
    row("syntax error after a field error", R"({"value":[1], "x":})", "");
}

void TestAuditPageDecoder::errorsMatchTree()
{
    QFETCH(QByteArray, document);
    QFETCH(QString, path);
    const Result<Page<AuditEvent>> sax = GraphCodec::decodeAuditPage(document);
    const Result<Page<AuditEvent>> tree = viaTree(document);
    QVERIFY2(!tree.ok(), "the tree decoder accepted it");
    QVERIFY2(!sax.ok(), "the SAX decoder accepted it");
    QCOMPARE(sax.error().path, tree.error().path);
    QCOMPARE(sax.error().message, tree.error().message);
    QCOMPARE(sax.error().path, path.isEmpty() ? QString() : path);
}

void TestAuditPageDecoder::limitsApply()
{
    QByteArray deep = "{\"value\":[{\"x\":" + QByteArray(GraphCodec::MaxDepth, '[') + QByteArray(GraphCodec::MaxDepth, ']')
                      + "}]}";
    const auto sax = GraphCodec::decodeAuditPage(deep);
    QVERIFY(!sax.ok());
    QVERIFY2(sax.error().message.contains(u"nested deeper"), qPrintable(sax.error().toString()));
    QVERIFY(!GraphCodec::decodeAuditPage(" \n ").ok());
    QByteArray big = page({}, "{" + Minimal + R"(,"x":")" + QByteArray(GraphCodec::MaxDocumentBytes, 'a') + "\"}");
    const auto huge = GraphCodec::decodeAuditPage(big);
    QVERIFY(!huge.ok());
    QVERIFY2(huge.error().message.contains(u"larger than"), qPrintable(huge.error().toString()));
}

namespace {

// Both readers, on the raw JSON and through the audit page handler, and the public decoder: the
// fast reader's result (when it takes the bytes) and the public one are nlohmann's.
void compareReaders(const QByteArray& bytes, bool mustBeFast = false)
{
    const JsonSaxRecorder::Verdict raw = JsonSaxRecorder::compareReaders(bytes);
    QVERIFY2(raw.agree, qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(raw.why),
                                                                QString::fromLatin1(bytes.left(300).toPercentEncoding()))));
    const std::optional<Result<Page<AuditEvent>>> fast = GraphCodec::Internal::decodeAuditPageFast(bytes);
    const Result<Page<AuditEvent>> slow = GraphCodec::Internal::decodeAuditPageNlohmann(bytes);
    if (fast) {
        // The handler can stop the reader (nesting too deep), never make it take more.
        QVERIFY(raw.fastAccepted);
    }
    if (fast) {
        QVERIFY2(JsonSaxRecorder::sameResult(*fast, slow),
                 qPrintable(QStringLiteral("fast %1, nlohmann %2")
                                .arg(fast->ok() ? QStringLiteral("ok") : fast->error().toString(),
                                     slow.ok() ? QStringLiteral("ok") : slow.error().toString())));
    }
    if (!bytes.trimmed().isEmpty()) {
        QVERIFY(JsonSaxRecorder::sameResult(GraphCodec::decodeAuditPage(bytes), slow));
    }
    if (mustBeFast) {
        QVERIFY2(fast.has_value(), "a valid page took the slow path");
    }
}

// A page whose first event holds `json` as the value of `member`.
QByteArray inEvent(const char* member, const QByteArray& json)
{
    return page({}, "{" + Minimal + ",\"" + member + "\":" + json + "}");
}

} // namespace

void TestAuditPageDecoder::readersAgreeOnTrickyJson_data()
{
    QTest::addColumn<QByteArray>("json");
    const auto row = [](const char* name, const QByteArray& json) { QTest::newRow(name) << json; };
    // Strings: escapes, \u with and without surrogate pairs, UTF-8 right and wrong, control bytes.
    row("simple escapes", R"("\"\\\/\b\f\n\r\t")");
    row("escape at the start and end", R"("\nabc\t")");
    row("only an escape", R"("\u0041")");
    row("u escapes", R"("\u00e9\u00E9\u4e2d\uFFFF\u0000x")");
    row("surrogate pair", R"("\uD83D\uDE00 \ud83d\ude00")");
    row("lone high surrogate", R"("\uD83D")");
    row("high surrogate then text", R"("\uD83Dabc")");
    row("high surrogate then a BMP escape", R"("\uD83D\u0041")");
    row("high surrogate then a high one", R"("\uD83D\uD83D")");
    row("lone low surrogate", R"("\uDE00")");
    row("short u escape", R"("\u12")");
    row("bad hex", R"("\u12G4")");
    row("unknown escape", R"("\x41")");
    row("escaped apostrophe", R"("\'")");
    row("backslash at the end", "\"abc\\");
    row("two-byte UTF-8", "\"\xC3\xA9\xDF\xBF\"");
    row("three-byte UTF-8", "\"\xE0\xA0\x80\xE4\xB8\xAD\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF\"");
    row("four-byte UTF-8", "\"\xF0\x90\x80\x80\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\"");
    row("overlong two-byte", "\"\xC0\x80\"");
    row("overlong C1", "\"\xC1\xBF\"");
    row("overlong three-byte", "\"\xE0\x80\x80\"");
    row("encoded surrogate", "\"\xED\xA0\x80\"");
    row("overlong four-byte", "\"\xF0\x80\x80\x80\"");
    row("past U+10FFFF", "\"\xF4\x90\x80\x80\"");
    row("F5 lead", "\"\xF5\x80\x80\x80\"");
    row("FF byte", "\"\xFF\"");
    row("lone continuation", "\"\x80\"");
    row("truncated sequence", "\"\xE4\xB8\"");
    row("truncated at the end", "\"\xE4\xB8");
    row("sequence cut by a quote", "\"\xF0\x9F\"\"");
    row("control character", "\"a\x01" "b\"");
    row("unit separator", "\"\x1F\"");
    row("tab raw", "\"a\tb\"");
    row("newline raw", "\"a\nb\"");
    row("NUL raw", QByteArray("\"a\0b\"", 5));
    row("DEL raw", "\"\x7F\"");
    row("unterminated", "\"abc");
    // Numbers: integer, unsigned and float as nlohmann classifies them, overflow included.
    row("zero", "0");
    row("minus zero", "-0");
    row("minus zero float", "-0.0");
    row("leading zero", "01");
    row("minus leading zero", "-01");
    row("fraction", "1.5");
    row("no fraction digits", "1.");
    row("no integer digits", ".5");
    row("exponents", "[1e5,1E+5,1e-5,2.5E-3,0e0,-0E+0]");
    row("no exponent digits", "1e");
    row("exponent sign only", "1e+");
    row("minus alone", "-");
    row("double minus", "--1");
    row("plus", "+1");
    row("hex", "0x10");
    row("uint64 max", "18446744073709551615");
    row("uint64 max + 1", "18446744073709551616");
    row("int64 min", "-9223372036854775808");
    row("int64 min - 1", "-9223372036854775809");
    row("int64 max + 1", "9223372036854775808");
    row("huge integer", "123456789012345678901234567890123456789");
    row("huge negative integer", "-123456789012345678901234567890123456789");
    row("integer past double", "1" + QByteArray(400, '0'));
    row("float overflow", "1e400");
    row("negative float overflow", "-1e400");
    row("float underflow", "1e-400");
    row("subnormal", "4.9e-324");
    row("smallest normal", "2.2250738585072014e-308");
    row("largest double", "1.7976931348623157e308");
    row("long mantissa", "0.1000000000000000055511151231257827021181583404541015625");
    row("number then letter", "1x");
    row("numbers in an array", "[0,-1,2.5,1e2,18446744073709551615,-9223372036854775808]");
    // Literals, whitespace, structure.
    row("literals", "[true,false,null]");
    row("short literal", "tru");
    row("long literal", "nulll");
    row("capitalised literal", "True");
    row("literal then garbage", "[truex]");
    row("all whitespace kinds", " \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n2 \t\r\n} \t\r\n] \t\r\n");
    row("form feed", "\f[]");
    row("vertical tab", "[\v]");
    row("no-break space", "[\xC2\xA0]");
    row("trailing comma in an array", "[1,]");
    row("trailing comma in an object", R"({"a":1,})");
    row("missing colon", R"({"a" 1})");
    row("missing value", R"({"a":})");
    row("unquoted key", "{a:1}");
    row("number key", "{1:1}");
    row("empty key", R"({"":1})");
    row("duplicate keys", R"({"a":1,"a":2})");
    row("escaped key", R"({"\u0061\n":1})");
    row("mismatched brackets", "[}");
    row("mismatched braces", R"({"a":1])");
    row("unclosed array", "[1,2");
    row("unclosed object", R"({"a":1)");
    row("extra close", "[]]");
    row("comment", "[1/*x*/]");
    row("line comment", "[1]//x");
    row("single quotes", "['a']");
    // The BOM, and what may follow the value.
    row("BOM", "\xEF\xBB\xBF{}");
    row("BOM then whitespace", "\xEF\xBB\xBF \n[]");
    row("half a BOM", "\xEF\xBB{}");
    row("BOM after whitespace", " \xEF\xBB\xBF{}");
    row("two BOMs", "\xEF\xBB\xBF\xEF\xBB\xBF{}");
    row("BOM alone", "\xEF\xBB\xBF");
    row("UTF-16 BOM", "\xFE\xFF{}");
    row("trailing garbage", "{} x");
    row("two values", "{}{}");
    row("trailing comma at the root", "{},");
    row("trailing NUL", QByteArray("{}\0", 3));
    row("NUL then garbage", QByteArray("{} \0x]", 6));
    row("NUL before the value", QByteArray("\0{}", 3));
    row("NUL inside", QByteArray("[1\0]", 4));
    row("empty", "");
    row("whitespace only", " \n\t\r");
    row("scalar root", "\"x\"");
}

void TestAuditPageDecoder::readersAgreeOnTrickyJson()
{
    QFETCH(QByteArray, json);
    // As a document of its own, and inside an audit page at every kind of place: a member the
    // handler reads, one it skips, a key, an element of an array it reads, and the page itself.
    compareReaders(json);
    compareReaders(inEvent("category", json));
    compareReaders(inEvent("unknown", json));
    compareReaders(inEvent("targetResources", "[" + json + "]"));
    compareReaders(page({}, "{" + Minimal + ",\"additionalDetails\":[{\"key\":" + json + "}]}"));
    compareReaders(page("\"@odata.count\":" + json + ",", "{" + Minimal + "}"));
    compareReaders("{" + json + ":1,\"value\":[]}");
    compareReaders("{\"value\":[]}" + json);
}

void TestAuditPageDecoder::readersAgreeOnGeneratedPages()
{
    Testing::AuditGenerator gen(11);
    const qint64 start = Timestamp::fromIso(u"2026-03-01T00:00:00Z")->ticks();
    for (int p = 0; p < 20; ++p) {
        Page<AuditEvent> page;
        page.context = QStringLiteral("https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits");
        if (p % 3 != 0) {
            page.nextLink = QStringLiteral("https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=%1").arg(p);
        }
        if (p % 4 == 1) {
            page.count = qint64(p) * 1'000'000'007LL;
        }
        for (int i = 0; i < 50 + p * 10; ++i) {
            AuditEvent event = gen.next(Timestamp::fromTicks(start - qint64(p * 1000 + i) * 987654321LL));
            if (i % 7 == 0) {
                event.resultReason = QStringLiteral("quote \" backslash \\ tab \t nul %1 \u00e9\u4e2d\U0001F600 \u2028 ctl \x01\x1f")
                                         .arg(QChar(0));
            }
            page.value << event;
        }
        const QByteArray bytes = GraphCodec::serialize(GraphCodec::toJson(page));
        compareReaders(bytes, true);
        if (QTest::currentTestFailed()) {
            return;
        }
        const Result<Page<AuditEvent>> decoded = GraphCodec::decodeAuditPage(bytes);
        QVERIFY(decoded.ok());
        QVERIFY(*decoded == page);
        // Pretty-printed, with a BOM: still the fast path, still the same page.
        const QByteArray pretty = "\xEF\xBB\xBF" + QByteArray::fromStdString(nlohmann::json::parse(bytes.begin(), bytes.end()).dump(2));
        compareReaders(pretty, true);
        QVERIFY(GraphCodec::decodeAuditPage(pretty).ok());
        QVERIFY(*GraphCodec::decodeAuditPage(pretty) == page);
    }
}

void TestAuditPageDecoder::readersAgreeOnEveryTruncationAndMutation()
{
    const QByteArray document = page(R"("@odata.context":"c\u00e9","@odata.count":12,)",
                                     "{" + Minimal + R"(,"category":"R\u00f4le \ud83d\ude00 \"x\"","x":[1.5e3,-2,true,null],)"
                                                     "\"resultReason\":\"\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\","
                                                     R"("initiatedBy":{"user":{"id":"u"}},"targetResources":[{"id":"t"}]})");
    compareReaders(document, true);
    for (qsizetype n = 0; n < document.size(); ++n) {
        compareReaders(document.first(n));
        if (QTest::currentTestFailed()) {
            qWarning("truncated to %lld bytes", static_cast<long long>(n));
            return;
        }
    }
    const QByteArray replacements("\"\\{}[],:0-e.u \x01\x80\xC3\xEDxtn");
    for (qsizetype i = 0; i < document.size(); ++i) {
        for (const char r : replacements) {
            QByteArray mutated = document;
            mutated[i] = r;
            compareReaders(mutated);
            QByteArray inserted = document;
            inserted.insert(i, r);
            compareReaders(inserted);
            QByteArray removed = document;
            removed.remove(i, 1);
            compareReaders(removed);
            if (QTest::currentTestFailed()) {
                qWarning("at byte %lld, '%c'", static_cast<long long>(i), r);
                return;
            }
        }
    }
}

void TestAuditPageDecoder::readersAgreeOnNesting()
{
    // Up to the handler's limit the fast path reads it; past it the handler stops the fast
    // reader and nlohmann's path gives the usual error.
    for (const int depth : {1, 2, GraphCodec::MaxDepth - 3, GraphCodec::MaxDepth - 2, GraphCodec::MaxDepth - 1,
                            GraphCodec::MaxDepth, GraphCodec::MaxDepth + 1, 500}) {
        const QByteArray arrays = QByteArray(depth, '[') + QByteArray(depth, ']');
        QByteArray objects;
        for (int i = 0; i < depth; ++i) {
            objects += "{\"a\":";
        }
        objects += "1" + QByteArray(depth, '}');
        for (const QByteArray& nested : {arrays, objects}) {
            compareReaders(nested);
            compareReaders(inEvent("unknown", nested));
            compareReaders(inEvent("unknown", nested.chopped(1)));
            if (QTest::currentTestFailed()) {
                qWarning("at depth %d", depth);
                return;
            }
        }
    }
    // Within the limit, on a page: the fast path, the same page.
    const QByteArray deep = inEvent("unknown", QByteArray(GraphCodec::MaxDepth - 3, '[') + QByteArray(GraphCodec::MaxDepth - 3, ']'));
    compareReaders(deep, true);
    QVERIFY(GraphCodec::decodeAuditPage(deep).ok());
}

QTEST_GUILESS_MAIN(TestAuditPageDecoder)
#include "TestAuditPageDecoder.moc"
