package cn.gridmap.security;

/** A principal acting through one request: the request id and client address go into the audit log with it. */
public record Caller(Principal principal, String requestId, String clientAddress) {

    public AreaScope scope() {
        return principal.scope();
    }

    public String name() {
        return principal.name();
    }

    /** The service's own jobs (first load of the city, maintenance): city scope, no request. */
    public static Caller service(String job) {
        return new Caller(Principal.system(job), null, null);
    }
}
