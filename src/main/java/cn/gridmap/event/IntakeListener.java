package cn.gridmap.event;

/**
 * Told of every report the loop took in, after its transaction committed (the field capability's police beats notify
 * their officer of public-security events). A listener's failure never undoes or fails the report.
 */
public interface IntakeListener {
    /** A stored report: its class, the class's department kind (ga: public security), its point and grid. */
    record Reported(long id, String classCode, String departmentKind, double lon, double lat, String gridCode, String districtCode) {
    }

    void reported(Reported r);
}
