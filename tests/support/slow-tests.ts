// Integration and browser tests start workers, run workflows and drive Chromium: 5 s is too short.
jest.setTimeout(60_000);
