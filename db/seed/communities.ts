/**
 * The communities (社区) the demo needs: those of DOMAIN.md's council
 * examples. Their official 12-digit codes are not in our data, so each gets
 * a demo code under its real street (suffix 9xx) and approximate
 * coordinates. All of them are marked `approximate` in the region table.
 */
export interface DemoCommunity {
  code: string;
  name: string;
  streetCode: string;
  lon: number;
  lat: number;
}

export const demoCommunities: DemoCommunity[] = [
  { code: "110102013901", name: "西河沿社区", streetCode: "110102013", lon: 116.3925, lat: 39.8975 },
  { code: "110102019901", name: "新安中里社区", streetCode: "110102019", lon: 116.3562, lat: 39.8731 },
  { code: "110102010901", name: "黄寺大街24号院社区", streetCode: "110102010", lon: 116.3918, lat: 39.9618 },
  { code: "110102010902", name: "双旗杆社区", streetCode: "110102010", lon: 116.3712, lat: 39.9553 },
  { code: "110102003901", name: "西四北三条社区", streetCode: "110102003", lon: 116.3688, lat: 39.9276 },
  { code: "110108025901", name: "曙光花园社区", streetCode: "110108025", lon: 116.2838, lat: 39.9585 },
  { code: "110107003901", name: "金辉苑社区", streetCode: "110107003", lon: 116.2152, lat: 39.9101 },
  { code: "110107011901", name: "六合园社区", streetCode: "110107011", lon: 116.2371, lat: 39.8942 },
];
