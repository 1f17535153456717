package cn.gridmap.event;

import cn.gridmap.security.Caller;

/**
 * What an event's log may refer to as a file ({@code file:<id>}): the field capability keeps the photos and answers
 * whether a caller may see one (the event loop does not read the field's tables).
 */
public interface Attachments {
    boolean visible(Caller caller, String ref);
}
