package cn.gridmap.security;

import java.util.List;
import java.util.Set;

/**
 * Who is acting: a user (person), a client (another system) or a user of an external OIDC provider, with roles, the
 * area scope (the codes as given and resolved) and whether it may see personal data in clear.
 */
public record Principal(String name, Kind kind, Set<String> roles, List<String> scopeCodes, AreaScope scope, boolean pii) {
    public enum Kind {
        USER, CLIENT, EXTERNAL
    }

    public Principal {
        roles = Set.copyOf(roles);
        scopeCodes = List.copyOf(scopeCodes);
    }

    public boolean has(String role) {
        return roles.contains(role);
    }

    public boolean hasAny(Set<String> any) {
        for (String r : any) {
            if (roles.contains(r)) {
                return true;
            }
        }
        return false;
    }

    /** The principal used where security is switched off (the benchmark's baseline) and by the service's own jobs. */
    public static Principal system(String name) {
        return new Principal(name, Kind.CLIENT, Set.of(Roles.ADMIN), List.of("*"), AreaScope.CITY, false);
    }
}
