package cn.gridmap.geocode;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Address → point against the {@link Gazetteer}: parse, find the road/compound/village (exactly, or within one
 * edit when nothing matches exactly), check it against the administrative levels given, then the building.
 * Ambiguous and unmatched addresses are reported with the reason and never placed.
 *
 * <p>Scores: 1.0 for an exact building; 0.9 when an administrative level given contradicts and a unique place
 * still matched; 0.7 for a compound or village without (or with an unknown) building; 0.5 for a road only; a fuzzy
 * name costs 0.2.
 */
public final class Geocoder {
    public static final String EXACT = "exact_address";
    public static final String FUZZY = "fuzzy_address";

    private final Gazetteer gazetteer;
    private final AddressParser parser;

    public Geocoder(Gazetteer gazetteer) {
        this.gazetteer = gazetteer;
        this.parser = new AddressParser(gazetteer.vocabulary);
    }

    /** The best match, or none with the reason (and the candidates when ambiguous). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(ParsedAddress parsed, Match match, String reason, List<String> candidates) {
    }

    /** A matched address: its standard form, level (building, compound, village, road), score and point. */
    public record Match(String address, String level, double score, double lon, double lat, String method) {
    }

    public ParsedAddress parse(String q) {
        return parser.parse(q);
    }

    public Result geocode(String q) {
        ParsedAddress a = parser.parse(q);
        boolean fuzzy = false;
        List<Gazetteer.Place> cands = new ArrayList<>();
        String placeName = a.place();
        String roadName = a.road();
        if (placeName == null && a.unknownPlace() != null) {
            placeName = nearestName(a.unknownPlace(), true);
            fuzzy = placeName != null;
        }
        if (roadName == null && a.unknownRoad() != null) {
            roadName = nearestName(a.unknownRoad(), false);
            fuzzy |= roadName != null;
        }
        boolean roadOnly = false;
        Gazetteer.Place shopRoad = null;
        if (placeName != null) {
            cands.addAll(gazetteer.placesByName.getOrDefault(placeName, List.of()));
            if (roadName != null && a.door() != null && cands.size() > 1) {
                String road = roadName;
                List<Gazetteer.Place> onRoad = cands.stream().filter(p -> road.equals(p.roadName) && a.door().equals(p.door)).toList();
                if (!onRoad.isEmpty()) {
                    cands = new ArrayList<>(onRoad);
                }
            }
        } else if (roadName != null) {
            if (a.door() != null) {
                cands.addAll(gazetteer.compoundsByRoadDoor.getOrDefault(roadName + "|" + a.door(), List.of()));
            }
            if (cands.isEmpty()) {
                cands.addAll(gazetteer.roadsByName.getOrDefault(roadName, List.of()));
                roadOnly = true;
            }
        }
        if (cands.isEmpty()) {
            String why = a.unknownPlace() != null || a.unknownRoad() != null
                    ? "no road, compound or village named like '" + (a.unknownPlace() != null ? a.unknownPlace() : a.unknownRoad()) + "'"
                    : a.community() != null || a.street() != null || a.district() != null
                            ? "only administrative levels recognised; give a road, compound or village"
                            : "no road, compound or village recognised";
            return new Result(a, null, why, null);
        }
        List<Gazetteer.Place> consistent = cands.stream().filter(p -> consistent(p, a)).toList();
        boolean conflict = consistent.isEmpty();
        if (!conflict) {
            cands = new ArrayList<>(consistent);
        }
        if (cands.size() > 1) {
            List<String> list = cands.stream().limit(10).map(p -> p.address).toList();
            return new Result(a, null, cands.size() + " places are named " + (placeName != null ? placeName : roadName)
                    + "; add the district, street or community", list);
        }
        Gazetteer.Place p = cands.get(0);
        double penalty = (fuzzy ? 0.2 : 0) + (conflict ? 0.1 : 0);
        // the building: 幢 in a compound; the door number (号) in a village or on a road
        String number = null;
        if (p.kind == 42 && a.building() != null) {
            number = a.building() + "幢";
        } else if (p.kind == 44 && (a.door() != null || a.building() != null)) {
            number = (a.door() != null ? a.door() : a.building()) + "号";
        } else if (p.kind == 41 && roadOnly && a.door() != null) {
            number = a.door() + "号";
            shopRoad = p;
        }
        int b = number == null ? -1 : p.building(number);
        if (b >= 0) {
            String address = (shopRoad != null ? p.address : p.address) + number + unitRoom(a);
            return new Result(a, new Match(address, "building", round(1.0 - penalty), p.xs[b], p.ys[b],
                    fuzzy || conflict ? FUZZY : EXACT), conflict ? "the administrative levels given do not contain this address" : null, null);
        }
        double base = p.kind == 41 ? 0.5 : 0.7;
        String reason = number == null ? null : "no building " + number + " in " + p.name + "; placed at the " + p.kindName();
        return new Result(a, new Match(p.address, p.kindName(), round(base - penalty), p.lon, p.lat, FUZZY), reason, null);
    }

    private static String unitRoom(ParsedAddress a) {
        return (a.unit() != null ? a.unit() + "单元" : "") + (a.room() != null ? a.room() + "室" : "");
    }

    /** The given district, street and community (when any) contain the place. */
    private static boolean consistent(Gazetteer.Place p, ParsedAddress a) {
        return (a.districtKeys() == null || a.districtKeys().contains(p.districtCode))
                && (a.streetKeys() == null || a.streetKeys().contains(p.streetCode))
                && (a.communityKeys() == null || a.communityKeys().contains(p.communityCode));
    }

    /**
     * The known place (or road) name within one edit of {@code text}, or the longest known name it starts with
     * ("谷阳家园小区"); null when none, or when several names are equally close (a guess would be a coin toss).
     */
    private String nearestName(String text, boolean places) {
        String best = null;
        int ties = 0;
        for (String name : places ? gazetteer.placesByName.keySet() : gazetteer.roadsByName.keySet()) {
            if (Math.abs(name.length() - text.length()) > 1 || name.length() < 3) {
                continue;
            }
            if (distance(name, text, 1) <= 1) {
                best = name;
                ties++;
            }
        }
        if (ties == 1) {
            return best;
        }
        if (ties > 1) {
            return null;
        }
        if (places) {
            for (String name : gazetteer.placesByName.keySet()) {
                if (text.startsWith(name) && (best == null || name.length() > best.length())) {
                    best = name;
                }
            }
        }
        return best;
    }

    /** Levenshtein distance, abandoned once above {@code limit}. */
    static int distance(String a, String b, int limit) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin > limit) {
                return limit + 1;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static double round(double v) {
        return Math.max(0.1, Math.round(v * 100) / 100.0);
    }
}
