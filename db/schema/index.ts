export * from "./identity";
export * from "./regions";
export * from "./tickets";
export * from "./realtime";
