package cn.gridmap.geocode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import cn.gridmap.geocode.Vocabulary.Kind;
import cn.gridmap.geocode.Vocabulary.Term;

/**
 * The address parser on a table of real-looking addresses (src/test/resources/geocode/parser-cases.tsv: input and
 * the expected district, street, community, road, place, door, building, unit, room and unknown name), against a
 * fixture vocabulary of Zhenjiang names.
 */
class AddressParserTest {
    static final AddressParser PARSER = new AddressParser(vocabulary());

    static Vocabulary vocabulary() {
        Vocabulary v = new Vocabulary();
        v.add("江苏省", new Term(Kind.PROVINCE, "江苏省", "32")).add("江苏", new Term(Kind.PROVINCE, "江苏省", "32"));
        v.region(Kind.CITY, "镇江市", "321100").add("镇江", new Term(Kind.CITY, "镇江市", "321100"));
        String[][] districts = {{"京口区", "321102"}, {"润州区", "321111"}, {"丹徒区", "321112"}, {"丹阳市", "321181"}, {"扬中市", "321182"},
            {"句容市", "321183"}};
        for (String[] d : districts) {
            v.region(Kind.DISTRICT, d[0], d[1]);
        }
        v.add("镇江新区", new Term(Kind.DISTRICT, "京口区", "321102")).add("新区", new Term(Kind.DISTRICT, "京口区", "321102"));
        String[][] streets = {{"正东路街道", "321102001"}, {"健康路街道", "321102002"}, {"金山街道", "321111001"}, {"辛丰镇", "321112101"},
            {"访仙镇", "321181107"}, {"大港街道", "321171001"}};
        for (String[] s : streets) {
            v.region(Kind.STREET, s[0], s[1]);
        }
        String[][] communities = {{"贺家弄社区居委会", "321102001001"}, {"大学山社区居委会", "321102002011"},
            {"民主新村社区居委会", "321111001003"}, {"黄墟村村委会", "321112101201"}, {"访仙村村委会", "321181107209"}};
        for (String[] c : communities) {
            v.region(Kind.COMMUNITY, c[0], c[1]);
        }
        for (String road : List.of("福寿路", "黄鹤街", "华夏中路", "梦溪路", "学府路", "正东路")) {
            v.add(road, new Term(Kind.ROAD, road, road));
        }
        for (String place : List.of("谷阳家园", "东吴嘉园", "自由小区", "金山花园", "锦绣华庭", "唐村", "王家庄", "陈湾", "民主新村", "金港花园")) {
            v.add(place, new Term(Kind.PLACE, place, place));
        }
        return v;
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (InputStream in = AddressParserTest.class.getResourceAsStream("/geocode/parser-cases.tsv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split("\t", -1);
                out.add(Arguments.of(i + 1, f));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "line {0}")
    @MethodSource("cases")
    void parsesTheTable(int line, String[] f) {
        ParsedAddress a = PARSER.parse(f[0]);
        String unknown = a.unknownPlace() != null ? a.unknownPlace() : a.unknownRoad();
        String[] got = {a.district(), a.street(), a.community(), a.road(), a.place(), a.door(), a.building(), a.unit(), a.room(), unknown};
        String[] names = {"district", "street", "community", "road", "place", "door", "building", "unit", "room", "unknown"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(f[i + 1].isEmpty() ? null : f[i + 1], got[i], names[i] + " of '" + f[0] + "' (line " + line + ")");
        }
    }

    @Test
    void theTableHasAtLeast200Addresses() throws IOException {
        assertTrue(cases().count() >= 200);
    }

    @Test
    void chineseNumeralsBecomeDigits() {
        assertEquals(3, AddressParser.chineseNumber("三"));
        assertEquals(12, AddressParser.chineseNumber("十二"));
        assertEquals(20, AddressParser.chineseNumber("二十"));
        assertEquals(105, AddressParser.chineseNumber("一百零五"));
        assertEquals(234, AddressParser.chineseNumber("二三四"));
        assertEquals(2, AddressParser.chineseNumber("两"));
    }

    @Test
    void normalisationMakesFullWidthAsciiAndDropsPunctuation() {
        assertEquals("谷阳家园3幢2单元301室", AddressParser.normalize(" 谷阳家园，３幢 ２单元（301）室"));
        assertEquals("福寿路18号", AddressParser.normalize("福寿路18#"));
        assertEquals("梦溪路3-2-301", AddressParser.normalize("梦溪路３－２—301"));
    }
}
