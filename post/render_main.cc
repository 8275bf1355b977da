// lightbody-render: draws the von Mises field of one load case's .vtu on the deformed body into a
// PNG, off-screen. A separate program because Debian's VTK renders through an X display and
// aborts the process when it cannot open one: the run calls it (under Xvfb on a headless
// machine) and carries on without the picture when it fails.
//
//   lightbody-render IN.vtu OUT.png TITLE [X,Y,Z]
//
// With a point (the governing place, mm) the camera looks at the body from that side and a
// marker shows the point.
#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkDataArraySelection.h>
#include <vtkDataSetAttributes.h>
#include <vtkDataSetSurfaceFilter.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkPNGWriter.h>
#include <vtkPointData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkSphereSource.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnstructuredGrid.h>
#include <vtkWarpVector.h>
#include <vtkWindowToImageFilter.h>
#include <vtkSmartPointer.h>
#include <vtkXMLPUnstructuredGridReader.h>
#include <vtkXMLUnstructuredGridReader.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char **argv)
{
  // --mode NAME (last): warp by the vector field NAME (a mode shape) and colour by its size.
  const char *mode = nullptr;
  if (argc >= 6 && std::strcmp(argv[argc - 2], "--mode") == 0)
    {
      mode = argv[argc - 1];
      argc -= 2;
    }
  if (argc != 4 && argc != 5)
    {
      std::fprintf(stderr, "usage: lightbody-render IN.vtu OUT.png TITLE [X,Y,Z] [--mode NAME]\n");
      return 1;
    }
  double     spot[3];
  const bool has_spot =
    argc == 5 && std::sscanf(argv[4], "%lf,%lf,%lf", &spot[0], &spot[1], &spot[2]) == 3;
  // A .vtu, or the .pvtu record of an MPI run's pieces (their ghost cells make the faces
  // between pieces inner faces).
  const std::string             in     = argv[1];
  const bool                    pieces = in.size() > 5 && in.substr(in.size() - 5) == ".pvtu";
  vtkSmartPointer<vtkXMLReader> reader;
  if (pieces)
    reader = vtkSmartPointer<vtkXMLPUnstructuredGridReader>::New();
  else
    reader = vtkSmartPointer<vtkXMLUnstructuredGridReader>::New();
  reader->SetFileName(argv[1]);
  // Only the two point fields drawn are read (a load case's file holds about twenty), and of the
  // cell fields only the pieces' ghost marks.
  const char *warp_field  = mode ? mode : "displacement_mm";
  const char *color_field = mode ? mode : "von_mises_MPa";
  reader->UpdateInformation();
  reader->GetPointDataArraySelection()->DisableAllArrays();
  reader->GetPointDataArraySelection()->EnableArray(warp_field);
  reader->GetPointDataArraySelection()->EnableArray(color_field);
  reader->GetCellDataArraySelection()->DisableAllArrays();
  reader->GetCellDataArraySelection()->EnableArray(vtkDataSetAttributes::GhostArrayName());
  reader->Update();
  vtkUnstructuredGrid *grid = vtkUnstructuredGrid::SafeDownCast(reader->GetOutputDataObject(0));
  if (!grid || grid->GetNumberOfPoints() == 0 || !grid->GetPointData()->GetArray(color_field) ||
      !grid->GetPointData()->GetArray(warp_field))
    {
      std::fprintf(stderr, "lightbody-render: %s has no %s and %s\n", argv[1], color_field,
                   warp_field);
      return 1;
    }

  // Deformation scaled so that the largest displacement shows as 5 % of the body's size.
  double bounds[6];
  grid->GetBounds(bounds);
  const double size =
    std::max({bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4]});
  double       u_max = grid->GetPointData()->GetArray(warp_field)->GetMaxNorm();
  const double scale = u_max > 0 ? 0.05 * size / u_max : 1.0;
  grid->GetPointData()->SetActiveVectors(warp_field);
  vtkNew<vtkWarpVector> warp;
  warp->SetInputData(grid);
  warp->SetScaleFactor(scale);

  // The quadratic faces are drawn subdivided (each level splits a face in four) so that coarse
  // curved meshes look curved; on a fine mesh the subdivision adds nothing to the picture but
  // time (software rendering under Xvfb). About 200 000 faces at most: the default tank (10 700
  // cells, level 1 instead of 2, 171 000 faces instead of 686 000) renders in 1.6 s instead of
  // 2.8 s on the 2-core build machine, the picture alike to the eye.
  const double faces_unsplit = 2.0 * static_cast<double>(grid->GetNumberOfCells());
  int          level         = 0;
  while (level < 2 && faces_unsplit * std::pow(4.0, level + 1) <= 200000)
    ++level;
  vtkNew<vtkDataSetSurfaceFilter> surface;
  surface->SetInputConnection(warp->GetOutputPort());
  surface->SetNonlinearSubdivisionLevel(level);

  double range[2];
  grid->GetPointData()->GetArray(color_field)->GetRange(range, mode ? -1 : 0); // -1: magnitude
  vtkNew<vtkLookupTable> colours;
  colours->SetVectorModeToMagnitude();
  colours->SetHueRange(0.667, 0.0); // blue (low) to red (high)
  colours->SetTableRange(range);
  colours->Build();
  vtkNew<vtkPolyDataMapper> mapper;
  mapper->SetInputConnection(surface->GetOutputPort());
  mapper->SetScalarModeToUsePointFieldData();
  mapper->SelectColorArray(color_field);
  mapper->SetLookupTable(colours);
  mapper->SetScalarRange(range);
  mapper->ScalarVisibilityOn();
  vtkNew<vtkActor> actor;
  actor->SetMapper(mapper);

  vtkNew<vtkScalarBarActor> bar;
  bar->SetLookupTable(colours);
  bar->SetTitle(mode ? "mode shape (largest 1)" : "von Mises (MPa)");
  bar->SetNumberOfLabels(6);
  bar->SetLabelFormat("%-#6.3g");
  bar->SetVerticalTitleSeparation(10);
  bar->SetWidth(0.08);
  bar->SetHeight(0.7);
  bar->SetPosition(0.9, 0.15);
  bar->GetTitleTextProperty()->SetColor(0, 0, 0);
  bar->GetLabelTextProperty()->SetColor(0, 0, 0);

  char caption[512];
  if (mode)
    std::snprintf(caption, sizeof caption,
                  "%s\nmode shape %s, largest displacement shown as %.3g mm%s", argv[3], mode,
                  scale * u_max, has_spot ? "; marker: where it is largest" : "");
  else if (has_spot)
    std::snprintf(
      caption, sizeof caption,
      "%s\ndeformation x %.3g (max %.3g mm); marker: governing point (%.0f, %.0f, %.0f) mm",
      argv[3], scale, u_max, spot[0], spot[1], spot[2]);
  else
    std::snprintf(caption, sizeof caption, "%s\ndeformation x %.3g (max %.3g mm)", argv[3], scale,
                  u_max);
  vtkNew<vtkTextActor> text;
  text->SetInput(caption);
  text->SetDisplayPosition(15, 15);
  text->GetTextProperty()->SetFontSize(18);
  text->GetTextProperty()->SetColor(0, 0, 0);

  vtkNew<vtkRenderer> renderer;
  renderer->SetBackground(1, 1, 1);
  renderer->AddActor(actor);
  renderer->AddActor2D(bar);
  renderer->AddActor2D(text);
  // An isometric view from the front left, above; with a governing point, turned towards the
  // side where that point lies (from below for a point under the body), and a marker on it.
  double view[3] = {-1, 1.2, 0.9};
  if (has_spot)
    {
      const double c[3]    = {(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2,
                              (bounds[4] + bounds[5]) / 2};
      const double half[3] = {std::max(1.0, (bounds[1] - bounds[0]) / 2),
                              std::max(1.0, (bounds[3] - bounds[2]) / 2),
                              std::max(1.0, (bounds[5] - bounds[4]) / 2)};
      for (int k = 0; k < 3; ++k)
        {
          const double side = (spot[k] - c[k]) / half[k]; // -1 .. 1 across the body
          view[k] = std::abs(side) > 0.2 ? (side > 0 ? 1.0 : -1.0) * std::abs(view[k]) : view[k];
        }
      vtkNew<vtkSphereSource> sphere;
      sphere->SetCenter(spot);
      sphere->SetRadius(0.015 * size);
      sphere->SetThetaResolution(24);
      sphere->SetPhiResolution(24);
      vtkNew<vtkPolyDataMapper> sphere_mapper;
      sphere_mapper->SetInputConnection(sphere->GetOutputPort());
      vtkNew<vtkActor> marker;
      marker->SetMapper(sphere_mapper);
      marker->GetProperty()->SetColor(1, 0, 1);
      renderer->AddActor(marker);
    }
  vtkCamera *camera = renderer->GetActiveCamera();
  camera->SetFocalPoint(0, 0, 0);
  camera->SetPosition(view);
  camera->SetViewUp(0, 0, 1);
  renderer->ResetCamera();
  camera->Zoom(1.2);

  vtkNew<vtkRenderWindow> window;
  window->SetOffScreenRendering(1);
  window->AddRenderer(renderer);
  window->SetSize(1280, 800);
  window->Render();

  vtkNew<vtkWindowToImageFilter> image;
  image->SetInput(window);
  image->Update();
  vtkNew<vtkPNGWriter> png;
  png->SetFileName(argv[2]);
  png->SetInputConnection(image->GetOutputPort());
  png->Write();
  return png->GetErrorCode() == 0 ? 0 : 1;
}
