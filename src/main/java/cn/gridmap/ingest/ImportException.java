package cn.gridmap.ingest;

import cn.gridmap.web.ApiException;

/** A problem with a whole import file (structure, format, kind): a 400, and nothing is stored. */
public class ImportException extends ApiException {
    public ImportException(String message) {
        super(400, message);
    }
}
