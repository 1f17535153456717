package cn.gridmap.geocode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import cn.gridmap.element.AddressBase;

/**
 * The standard-address base in memory: the vocabulary of administrative names, roads, compounds and villages, and
 * for every place its buildings by number (sorted arrays, about 60 bytes a building).
 */
public final class Gazetteer {
    /** A road, compound or natural village with its buildings. */
    public static final class Place {
        final long id;
        final int kind;
        final String name;
        final String roadName;
        final String door;
        final double lon;
        final double lat;
        final String communityCode;
        final String streetCode;
        final String districtCode;
        final String address;
        String[] numbers = new String[0];
        double[] xs = new double[0];
        double[] ys = new double[0];

        Place(AddressBase.PlaceRow r) {
            this.id = r.id();
            this.kind = r.kind();
            this.name = r.name();
            this.roadName = r.roadName();
            this.door = r.door();
            this.lon = r.lon();
            this.lat = r.lat();
            this.communityCode = r.communityCode();
            this.streetCode = r.streetCode();
            this.districtCode = r.districtCode();
            this.address = r.address();
        }

        /** Index of building {@code number} (e.g. 3幢, 12号), or -1. */
        int building(String number) {
            int i = Arrays.binarySearch(numbers, number);
            return i < 0 ? -1 : i;
        }

        String kindName() {
            return kind == 41 ? "road" : kind == 42 ? "compound" : "village";
        }
    }

    final Vocabulary vocabulary = new Vocabulary();
    final Map<String, List<Place>> placesByName = new HashMap<>();
    final Map<String, List<Place>> roadsByName = new HashMap<>();
    final Map<String, List<Place>> compoundsByRoadDoor = new HashMap<>();
    private final Map<Long, Place> byId = new HashMap<>();
    private final Map<Long, List<Object[]>> pending = new HashMap<>();
    private int buildings;

    Gazetteer() {
        vocabulary.add("江苏省", new Vocabulary.Term(Vocabulary.Kind.PROVINCE, "江苏省", "32"));
        vocabulary.add("江苏", new Vocabulary.Term(Vocabulary.Kind.PROVINCE, "江苏省", "32"));
    }

    void city(String name, String code) {
        vocabulary.region(Vocabulary.Kind.CITY, name, code);
        if (name.endsWith("市")) {
            vocabulary.add(name.substring(0, name.length() - 1), new Vocabulary.Term(Vocabulary.Kind.CITY, name, code));
        }
    }

    void place(AddressBase.PlaceRow r) {
        Place p = new Place(r);
        byId.put(p.id, p);
        vocabulary.region(Vocabulary.Kind.DISTRICT, r.districtName(), r.districtCode());
        vocabulary.region(Vocabulary.Kind.STREET, r.streetName(), r.streetCode());
        vocabulary.region(Vocabulary.Kind.COMMUNITY, r.communityName(), r.communityCode());
        if (p.kind == 41) {
            roadsByName.computeIfAbsent(p.name, k -> new ArrayList<>()).add(p);
            vocabulary.add(p.name, new Vocabulary.Term(Vocabulary.Kind.ROAD, p.name, p.name));
        } else {
            placesByName.computeIfAbsent(p.name, k -> new ArrayList<>()).add(p);
            vocabulary.add(p.name, new Vocabulary.Term(Vocabulary.Kind.PLACE, p.name, p.name));
            if (p.roadName != null) {
                compoundsByRoadDoor.computeIfAbsent(p.roadName + "|" + p.door, k -> new ArrayList<>()).add(p);
            }
        }
    }

    void alias(String spelling, Vocabulary.Kind kind, String canonical) {
        for (Vocabulary.Term t : vocabulary.lookup(canonical)) {
            if (t.kind() == kind) {
                vocabulary.add(spelling, t);
            }
        }
    }

    void building(AddressBase.BuildingRow b) {
        pending.computeIfAbsent(b.placeId(), k -> new ArrayList<>()).add(new Object[] {b.number(), b.lon(), b.lat()});
        buildings++;
    }

    /** Sorts every place's buildings for binary search. */
    Gazetteer seal() {
        for (Map.Entry<Long, List<Object[]>> e : pending.entrySet()) {
            Place p = byId.get(e.getKey());
            if (p == null) {
                continue;
            }
            List<Object[]> list = e.getValue();
            list.sort((a, b) -> ((String) a[0]).compareTo((String) b[0]));
            p.numbers = new String[list.size()];
            p.xs = new double[list.size()];
            p.ys = new double[list.size()];
            for (int i = 0; i < list.size(); i++) {
                p.numbers[i] = (String) list.get(i)[0];
                p.xs[i] = (Double) list.get(i)[1];
                p.ys[i] = (Double) list.get(i)[2];
            }
        }
        pending.clear();
        return this;
    }

    public int placeCount() {
        return byId.size();
    }

    public int buildingCount() {
        return buildings;
    }

    /** Every distinct road or place name (fuzzy matching). */
    Iterable<String> names() {
        List<String> out = new ArrayList<>(placesByName.keySet());
        out.addAll(roadsByName.keySet());
        return out;
    }
}
