export * from './accounting.ts';
export * from './common.ts';
export * from './jpm.ts';
export * from './people.ts';
export * from './pricebook.ts';
export * from './requests.ts';
