/** Protection of personal data: encryption at rest with a blind index, and masking for responses and logs. */
package cn.gridmap.security;
