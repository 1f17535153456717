package cn.gridmap.web;

/** The body of every error response: HTTP status, short error name and a message a person can act on. */
public record ApiError(int status, String error, String message) {
}
