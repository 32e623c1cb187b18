package rules

// Rule ids: a contract with reports, 277CA mappings and users' scripts.
// Every finding names one of these (or USE-<alternative add-on>, checked
// when the catalog loads); the catalog data defines each exactly once, and
// TestEveryReportedIDIsARule holds the code to that.
const (
	AOCNoPrimary       = "AOC-NO-PRIMARY"
	AOCPrimaryUnlisted = "AOC-PRIMARY-UNLISTED"
	AOCAlone           = "AOC-ALONE"
	PTPBundled         = "PTP-BUNDLED"
	GuidanceIncluded   = "GUIDANCE-INCLUDED"
	Use77001           = "USE-77001"
	ArthrographySI     = "ARTHROGRAPHY-SI"
	UnitsMUE           = "UNITS-MUE"
	Mod26TC            = "MOD-26-TC"
	Mod50              = "MOD-50"
	ModInvalid         = "MOD-INVALID"
	FacilityNeeds26    = "FACILITY-NEEDS-26"
	Mod51              = "MOD-51"
	MultiGuidance      = "MULTI-GUIDANCE"
	PrimaryNotCMS      = "PRIMARY-NOT-CMS"
	ProviderMismatch   = "PROVIDER-MISMATCH"
	ClaimBalance       = "CLAIM-BALANCE"
	LineDOSMissing     = "LINE-DOS-MISSING"
	X12                = "X12" // the entry every X12-… structural finding shares
	IGStructure        = "IG-STRUCTURE"
	useAlternativeFmt  = "USE-" // + the alternative add-on: USE-77003
)

// ids lists the fixed ids, for the test that holds data and code together.
var ids = []string{AOCNoPrimary, AOCPrimaryUnlisted, AOCAlone, PTPBundled, GuidanceIncluded, Use77001, ArthrographySI, UnitsMUE, Mod26TC, Mod50, ModInvalid,
	FacilityNeeds26, Mod51, MultiGuidance, PrimaryNotCMS, ProviderMismatch, ClaimBalance, LineDOSMissing, X12, IGStructure}

// IDs returns the fixed rule ids (USE-<alternative> ids come from the data).
func IDs() []string { return append([]string(nil), ids...) }
