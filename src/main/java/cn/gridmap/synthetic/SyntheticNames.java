package cn.gridmap.synthetic;

import java.time.LocalDate;
import java.util.Random;
import cn.gridmap.element.CreditCodes;
import cn.gridmap.element.IdNumbers;

/**
 * Word lists and identifier makers of the synthetic city. Every value is drawn from a caller's seeded {@link Random},
 * so the same seed gives the same city.
 *
 * <p>Synthetic ID numbers are well-formed (GB 11643 check character, a real Jiangsu or other-province address code,
 * a real birth date) but fictitious by construction: their 3-digit order code is always 900–999 (real order codes
 * are handed out from 001 by each police station, so a collision with a real person is unlikely but possible) and
 * every synthetic row is marked {@code derived}. Synthetic credit codes carry the organisation-code prefix "MA9".
 */
public final class SyntheticNames {
    /** Surnames by rough frequency (the first ones are drawn more often). */
    private static final String SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
    private static final String GIVEN_M = "伟强磊军洋勇杰涛明超辉刚健斌鹏波华飞宇浩俊峰亮林海建国文志平东晨阳凯宁旭";
    private static final String GIVEN_F = "芳娜敏静丽艳娟霞燕玲婷慧颖红梅琳洁倩雪晶萍莉兰云月琴英菲佳欣怡雨萱";
    /** Two-character words for road, compound and village names (Zhenjiang-flavoured but generic). */
    static final String[] WORDS = {"梦溪", "金山", "焦山", "北固", "运河", "润州", "谷阳", "南徐", "长江", "黄山", "宝塔", "古城",
        "江滨", "花山", "东吴", "檀山", "丁卯", "官塘", "象山", "五凤", "九华", "宗泽", "正东", "大西", "健康", "新民", "西津",
        "学府", "桃园", "银山", "团结", "胜利", "和平", "光明", "永安", "太平", "丰乐", "兴隆", "长青", "松林", "竹园", "梅园",
        "兰亭", "荷花", "青云", "白云", "紫阳", "朝阳", "东湖", "南湖", "西湖", "北湖", "凤凰", "龙山", "虎踞", "鹤林", "乐山",
        "香山", "翠屏", "锦绣", "春江", "秋月", "鼎石", "跑马", "伯先", "甘露", "招隐", "京畿", "润扬", "金港", "丹阳", "句曲",
        "茅山", "延陵", "珥陵", "吕城", "访仙", "界牌", "新桥", "高资", "辛丰", "宝堰", "上党", "荣炳", "谏壁", "姚桥", "大港",
        "丁岗", "大路", "儒里", "华山", "丹凤", "云阳", "开发", "科技", "文昌", "文化", "体育", "公园", "滨河", "临江", "望江",
        "迎江", "观音", "寿丘", "斜桥", "牌湾", "烟墩", "黄鹤", "登云", "万古", "小码头", "西门", "东门", "南门", "北门", "千秋",
        "长安", "永宁", "福寿", "康宁", "吉祥", "如意", "同心", "振兴", "繁荣", "富民", "育才", "红旗", "建设", "工农", "友谊",
        "前进", "民主", "自由", "人民", "解放", "中华", "华夏", "新华", "兴业", "润泽", "清风", "明月", "晓园", "芙蓉", "玉带"};
    static final String[] ROAD_SUFFIX = {"路", "路", "路", "街", "巷", "大道", "东路", "西路", "南路", "北路", "中路", "一路", "二路", "三路", "支路"};
    static final String[] COMPOUND_SUFFIX = {"花园", "小区", "新村", "苑", "家园", "公寓", "雅居", "名都", "华庭", "嘉园", "府", "山庄"};
    static final String[] VILLAGE_SUFFIX = {"庄", "村", "湾", "圩", "巷", "塘", "桥", "墩"};
    static final String[] ORG_WORDS = {"华润", "恒顺", "金港", "江科", "润扬", "大港", "瑞丰", "鼎盛", "长江", "新城", "宏达", "天成",
        "汇通", "博远", "嘉禾", "永泰", "众诚", "明德", "锦程", "万和"};
    static final String[] ORG_TRADES = {"商贸", "科技", "机械", "电子", "建材", "餐饮", "物流", "化工", "服装", "食品", "医药", "装饰",
        "信息技术", "文化传媒", "汽车配件", "新材料"};
    static final String[] ORG_FORMS = {"有限公司", "有限公司", "有限公司", "股份有限公司", "商行", "经营部"};
    static final String[] SOCIAL_FORMS = {"社区志愿者协会", "老年人协会", "商会", "书画协会", "慈善会", "养老服务中心", "文体协会"};
    /** County codes of Zhenjiang (GB/T 2260) used as registered-residence address codes. */
    private static final String[] LOCAL_COUNTY = {"321102", "321111", "321112", "321181", "321182", "321183"};
    /** Other address codes for migrants (real county-level codes of neighbouring provinces). */
    private static final String[] OTHER_COUNTY = {"340102", "340321", "341222", "342401", "410102", "411502", "420102",
        "430102", "320382", "320721", "320923", "321323", "510104", "360102", "370102", "130102"};
    private static final String[] MOBILE_PREFIX = {"130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
        "151", "152", "153", "155", "157", "158", "159", "177", "180", "181", "182", "183", "186", "187", "188", "189", "199"};

    private SyntheticNames() {
    }

    public static String person(Random rnd, boolean male) {
        int s = (int) (SURNAMES.length() * Math.pow(rnd.nextDouble(), 1.8));
        String given = male ? GIVEN_M : GIVEN_F;
        StringBuilder sb = new StringBuilder(3).append(SURNAMES.charAt(s)).append(given.charAt(rnd.nextInt(given.length())));
        if (rnd.nextInt(100) < 70) {
            sb.append(given.charAt(rnd.nextInt(given.length())));
        }
        return sb.toString();
    }

    static String surname(Random rnd) {
        return String.valueOf(SURNAMES.charAt((int) (40 * rnd.nextDouble())));
    }

    /** A natural village: 王家庄, 陈湾, … */
    static String village(Random rnd) {
        String surname = String.valueOf(SURNAMES.charAt(rnd.nextInt(80)));
        return surname + (rnd.nextBoolean() ? "家" : "") + pick(rnd, VILLAGE_SUFFIX);
    }

    static String addressCode(Random rnd, boolean migrant) {
        return migrant ? OTHER_COUNTY[rnd.nextInt(OTHER_COUNTY.length)] : LOCAL_COUNTY[rnd.nextInt(LOCAL_COUNTY.length)];
    }

    /**
     * A synthetic ID number: address code, birth date, order code 900–999 whose parity carries the gender (odd male),
     * check character. {@code serial} (0..49) must be unique per address code, birth date and gender for uniqueness.
     */
    public static String idNumber(String addressCode, LocalDate birth, boolean male, int serial) {
        if (serial < 0 || serial > 49) {
            throw new IllegalArgumentException("serial 0..49");
        }
        int order = 900 + 2 * serial + (male ? 1 : 0);
        String first17 = addressCode + String.format("%04d%02d%02d", birth.getYear(), birth.getMonthValue(), birth.getDayOfMonth())
                + order;
        return first17 + IdNumbers.checkCharacter(first17);
    }

    public static String mobile(Random rnd) {
        StringBuilder sb = new StringBuilder(11).append(MOBILE_PREFIX[rnd.nextInt(MOBILE_PREFIX.length)]);
        for (int i = 0; i < 8; i++) {
            sb.append((char) ('0' + rnd.nextInt(10)));
        }
        return sb.toString();
    }

    /**
     * A synthetic unified social credit code: 9 (market regulator) + 1 (company) or 5 (civil affairs) + 1 (social
     * group), the county code, organisation code "MA9" + 6 serial characters, and the GB 32100 check character.
     */
    static String creditCode(boolean enterprise, String county, int serial) {
        return creditCode(enterprise ? "91" : "51", county, serial);
    }

    /** The same with the registration authority and organisation type given (12 事业单位, Y1 其他; see GB 32100). */
    static String creditCode(String registry, String county, int serial) {
        StringBuilder sb = new StringBuilder(18).append(registry).append(county).append("MA9");
        int v = serial;
        char[] six = new char[6];
        for (int i = 5; i >= 0; i--) {
            six[i] = CreditCodes.ALPHABET.charAt(v % 31);
            v /= 31;
        }
        String first17 = sb.append(six).toString();
        return first17 + CreditCodes.checkCharacter(first17);
    }

    static String pick(Random rnd, String[] words) {
        return words[rnd.nextInt(words.length)];
    }
}
