<#
.SYNOPSIS
  Reports the last session of a Veeam Backup & Replication tape job to Backup Monitor: the job, when it ran,
  how much it wrote, and the tapes it wrote to, by barcode.

.DESCRIPTION
  Run it on the backup server after each tape job: in the tape job's settings, Advanced > Advanced >
  "Run the following script after the job", for example
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\Scripts\Send-BackupMonitorJob.ps1" -JobName "Weekly to tape"

  Tapes are those of the job's media pools last written during the session, oldest write first: Veeam's
  PowerShell has no list of the tapes a session wrote, so a tape written by another job at the same time
  into the same pool would be counted too. Use a media pool per tape job where that matters.

.PARAMETER JobName      The tape job's name, as Veeam shows it.
.PARAMETER Url          Backup Monitor's address, e.g. https://backup-monitor.example.com (or $env:BM_URL).
.PARAMETER Token        An API token with the scope jobs:write, and tapes:write to register tapes Backup
                        Monitor does not know yet (or $env:BM_TOKEN).
.PARAMETER RetentionDays How long the data written is kept, in days.
.PARAMETER System       The name jobs are reported under, one per backup server.
.PARAMETER DryRun       Prints the JSON instead of sending it.
#>
param(
  [Parameter(Mandatory = $true)] [string] $JobName,
  [string] $Url = $env:BM_URL,
  [string] $Token = $env:BM_TOKEN,
  [int] $RetentionDays = 30,
  [string] $System = "veeam",
  [switch] $DryRun
)
$ErrorActionPreference = "Stop"

# The body of PUT /api/v1/jobs/{system}/{id}: its keys are checked against the API's OpenAPI document by
# the project's tests.
function New-BackupMonitorJobPayload {
  param($Name, [datetime] $Start, [int] $Retention, [long] $Files, [long] $Bytes, $Result, $Server, [string[]] $Barcodes)
  $verification = switch ($Result) { "Success" { "passed" } "Warning" { "partial" } "Failed" { "failed" } default { "not_verified" } }
  [ordered]@{
    name          = $Name
    jobDate       = $Start.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ")
    retentionDays = $Retention
    totalFiles    = "$Files"
    totalBytes    = "$Bytes"
    verification  = $verification
    sourceSystem  = $Server
    notes         = "Veeam tape job session result: $Result"
    barcodes      = @($Barcodes)
  }
}

if (-not $DryRun -and (-not $Url -or -not $Token)) {
  throw "Give -Url and -Token (or set BM_URL and BM_TOKEN)"
}

$job = Get-VBRTapeJob -Name $JobName
if (-not $job) { throw "No tape job is named '$JobName'" }
$session = Get-VBRTapeBackupSession -Job $job | Sort-Object CreationTime -Descending | Select-Object -First 1
if (-not $session) { throw "The tape job '$JobName' has not run yet" }
$end = if ($session.EndTime -gt $session.CreationTime) { $session.EndTime } else { Get-Date }

$pools = @($job.FullBackupMediaPool, $job.IncrementalBackupMediaPool, $job.Target) | Where-Object { $_ } | Sort-Object Id -Unique
$tapes = $pools | ForEach-Object { Get-VBRTapeMedium -MediaPool $_ } |
  Where-Object { $_.LastWriteTime -ge $session.CreationTime -and $_.LastWriteTime -le $end } |
  Sort-Object LastWriteTime
$barcodes = @($tapes | ForEach-Object { $_.Barcode } | Select-Object -Unique)

$progress = $session.Progress
$payload = New-BackupMonitorJobPayload -Name $job.Name -Start $session.CreationTime -Retention $RetentionDays `
  -Files $progress.ProcessedObjects -Bytes $progress.TransferedSize -Result "$($session.Result)" `
  -Server $env:COMPUTERNAME -Barcodes $barcodes
$json = $payload | ConvertTo-Json -Depth 4

if ($DryRun) { $json; return }

$id = [uri]::EscapeDataString("$($job.Id)-$($session.Id)")
try {
  $answer = Invoke-RestMethod -Method Put -Uri "$($Url.TrimEnd('/'))/api/v1/jobs/$System/$id" `
    -Headers @{ Authorization = "Bearer $Token" } -ContentType "application/json" -Body $json
  Write-Output "Backup Monitor: '$($job.Name)' reported, $($barcodes.Count) tapes"
} catch {
  $message = $_.ErrorDetails.Message
  if ($message) { $message = ($message | ConvertFrom-Json).error.message }
  Write-Error "Backup Monitor: '$($job.Name)' was not reported: $message"
  exit 1
}
