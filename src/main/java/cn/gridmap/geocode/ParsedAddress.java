package cn.gridmap.geocode;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An address split into its levels. Administrative levels and the road/place are canonical names from the
 * vocabulary (with every region code that name can mean in {@code *Keys}: names repeat across the city);
 * {@code unknownRoad}/{@code unknownPlace} hold a
 * name the vocabulary does not know (the geocoder tries it fuzzily). Numbers are plain digits.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ParsedAddress(String input, String normalized, String province, String city, String district, String street,
        String community, String road, String place, String door, String building, String unit, String room, String unknownRoad,
        String unknownPlace, @JsonIgnore List<String> districtKeys, @JsonIgnore List<String> streetKeys,
        @JsonIgnore List<String> communityKeys) {

    static final class Builder {
        private final String input;
        private final String normalized;
        private String province;
        private String city;
        private String district;
        private String street;
        private String community;
        private String road;
        private String place;
        private String door;
        private String building;
        private String unit;
        private String room;
        private String unknownRoad;
        private String unknownPlace;
        private List<String> districtKeys;
        private List<String> streetKeys;
        private List<String> communityKeys;

        Builder(String input, String normalized) {
            this.input = input;
            this.normalized = normalized;
        }

        /** Records {@code t}; {@code keys} are the codes of every region of its kind spelt the same way. */
        void term(Vocabulary.Term t, List<String> keys) {
            switch (t.kind()) {
                case PROVINCE -> province = t.name();
                case CITY -> city = t.name();
                case DISTRICT -> {
                    district = t.name();
                    districtKeys = keys;
                }
                case STREET -> {
                    street = t.name();
                    streetKeys = keys;
                }
                case COMMUNITY -> {
                    community = t.name();
                    communityKeys = keys;
                }
                case ROAD -> {
                    if (road == null) {
                        road = t.name();
                    }
                }
                case PLACE -> {
                    if (place == null) {
                        place = t.name();
                    }
                }
            }
        }

        void unknown(String text, boolean beforeNumber) {
            if (place != null || (road != null && !beforeNumber)) {
                return;
            }
            if (text.matches(".*(路|街|巷|大道|道|弄)") && road == null) {
                unknownRoad = text;
            } else if (beforeNumber || unknownPlace == null) {
                unknownPlace = text;
            }
        }

        String door() {
            return door;
        }

        boolean hasBuilding() {
            return building != null;
        }

        boolean unitGiven() {
            return unit != null;
        }

        void door(String n) {
            door = n;
        }

        void building(String n) {
            if (building == null) {
                building = n;
            }
        }

        void unit(String n) {
            if (unit == null) {
                unit = n;
            }
        }

        void room(String n) {
            if (room == null) {
                room = n;
            }
        }

        ParsedAddress build() {
            return new ParsedAddress(input, normalized, province, city, district, street, community, road, place, door, building, unit,
                    room, unknownRoad, unknownPlace, districtKeys, streetKeys, communityKeys);
        }
    }
}
