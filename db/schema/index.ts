export * from "./identity";
export * from "./regions";
