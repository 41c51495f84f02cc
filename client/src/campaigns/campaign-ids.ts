// Campaign command and view ids, apart from the campaign code so the activation bundle can register
// them without loading it (client/src/lazy-bundles.ts).
export const CAMPAIGNS_VIEW = 'energyLens.campaigns';

export const CAMPAIGN_COMMANDS = {
  profileOnJetsonTx1: 'energyLens.profileOnJetsonTx1',
  profileOnTarget: 'energyLens.profileOnTarget',
  profileWorkspace: 'energyLens.profileWorkspace',
  resumeCampaign: 'energyLens.resumeCampaign',
  deleteCampaign: 'energyLens.deleteCampaign',
  openCampaignRecords: 'energyLens.openCampaignRecords',
  refreshCampaigns: 'energyLens.refreshCampaigns',
  startEmulatedPhone: 'energyLens.startEmulatedPhone',
  addBoard: 'energyLens.addBoard',
  editBoard: 'energyLens.editBoard',
  removeBoard: 'energyLens.removeBoard',
  setDefaultBoard: 'energyLens.setDefaultBoard',
  testBoardConnection: 'energyLens.testBoardConnection',
} as const;

/** Test builds only: the Campaigns view's top-level items (register.ts `treeSnapshot`). */
export const CAMPAIGN_TREE_SNAPSHOT_COMMAND = 'energyLens.test.campaignTreeSnapshot';
