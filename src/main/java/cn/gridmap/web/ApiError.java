package cn.gridmap.web;

/** The body of every error response: HTTP status, short error name and a message a person can act on. */
public record ApiError(int status, String error, String message) {

    /** The error for a status, with the status's reason phrase as {@code error}. */
    public static ApiError of(int status, String message) {
        jakarta.ws.rs.core.Response.Status s = jakarta.ws.rs.core.Response.Status.fromStatusCode(status);
        return new ApiError(status, s == null ? "Error" : s.getReasonPhrase(), message);
    }
}
